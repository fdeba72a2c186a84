//! The copy button shared by code blocks, the link and the whole guide.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::browser;

/// How long the "Copied" confirmation stays visible.
const CONFIRMATION_TIME: Duration = Duration::from_secs(3);

/// Result of the last press of a copy button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CopyOutcome {
    Copied,
    /// The clipboard was unavailable, and the text is selected instead.
    Selected,
    /// The clipboard was unavailable, and nothing could be selected.
    Failed,
}

impl CopyOutcome {
    fn message(self, failure: &'static str) -> &'static str {
        match self {
            CopyOutcome::Copied => "Copied",
            CopyOutcome::Selected => {
                "The browser blocked the clipboard, so the text is selected: press Ctrl+C (⌘C on a Mac) to copy it."
            }
            CopyOutcome::Failed => failure,
        }
    }
}

/// Renders a button that copies text and confirms it in a live region.
#[component]
pub fn CopyButton(
    /// Visible label, such as "Copy".
    label: &'static str,
    /// Accessible name when the label alone is ambiguous.
    #[prop(optional)]
    aria_label: Option<String>,
    /// Produces the text to copy when the button is pressed.
    text: Callback<(), String>,
    /// Selects the same text on the page when the clipboard is unavailable
    /// or denied, and returns whether it could.
    select_instead: Callback<(), bool>,
    /// Advice shown when neither the clipboard nor `select_instead` works.
    #[prop(default = "The browser blocked the clipboard: select the text and copy it by hand.")]
    failure: &'static str,
) -> impl IntoView {
    let outcome = RwSignal::new(None::<CopyOutcome>);
    // Counts presses, so that an older timer does not hide a newer message.
    let presses = StoredValue::new(0u32);

    let copy = move |_| {
        let value = text.run(());
        presses.update_value(|count| *count += 1);
        let press = presses.get_value();
        spawn_local(async move {
            let result = if browser::copy_to_clipboard(&value).await {
                CopyOutcome::Copied
            } else if select_instead.run(()) {
                CopyOutcome::Selected
            } else {
                CopyOutcome::Failed
            };
            outcome.set(Some(result));
            // The advice after a failure stays until the next press.
            if result == CopyOutcome::Copied {
                set_timeout(
                    move || {
                        if presses.try_get_value() == Some(press) {
                            outcome.set(None);
                        }
                    },
                    CONFIRMATION_TIME,
                );
            }
        });
    };

    view! {
        <button type="button" class="copy" aria-label=aria_label on:click=copy>
            {label}
        </button>
        <span class="copy-status" role="status">
            {move || outcome.get().map(|outcome| outcome.message(failure))}
        </span>
    }
}
