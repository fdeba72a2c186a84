//! The root component: the wizard's state, its mirror in the URL fragment,
//! and the page layout.

use std::time::Duration;

use apm_secrets_renderer::link;
use apm_secrets_renderer::{Check, Context, Field, State};
use leptos::ev;
use leptos::prelude::*;

use crate::output::Output;
use crate::questions::{Questions, field_id};
use crate::text::push_inline_html;
use crate::{REPOSITORY_URL, browser};

/// The wizard's reactive state. It is `Copy`, so components take it as a
/// prop instead of looking it up in a context.
#[derive(Debug, Clone, Copy)]
pub struct Wizard {
    /// Every answer except the key, whose `key_value` is always `None`.
    pub answers: RwSignal<State>,
    /// The key as typed. It is kept apart from the answers, so that the
    /// link, which mirrors the answers, can never contain it.
    pub key: RwSignal<String>,
    /// The answers with the key, checked and with every derived value.
    pub context: Memo<Context>,
}

impl Wizard {
    /// Creates the signals, starting from `answers` and no key.
    pub fn new(answers: State) -> Wizard {
        let answers = RwSignal::new(answers.without_key());
        let key = RwSignal::new(String::new());
        // `Context` has no `PartialEq`, so this memo reports every
        // recomputation as a change; the memos that read it compare their
        // own, smaller results.
        let context = Memo::new_with_compare(
            move |_| {
                let mut state = answers.get();
                state.key_value = Some(key.get());
                Context::new(state)
            },
            |_, _| true,
        );
        Wizard {
            answers,
            key,
            context,
        }
    }

    /// Changes the answers with `change`.
    pub fn update(self, change: impl FnOnce(&mut State)) {
        self.answers.update(change);
    }

    /// Returns the checks that concern `field`, updated only when they change.
    pub fn checks(self, field: Field) -> Memo<Vec<Check>> {
        Memo::new(move |_| {
            self.context.with(|context| {
                context
                    .checks
                    .iter()
                    .filter(|check| check.field == field)
                    .cloned()
                    .collect()
            })
        })
    }

    /// Clears the key from memory and from its input field.
    pub fn forget_key(self) {
        self.key.set(String::new());
        browser::clear_input(&field_id(Field::KeyValue));
    }
}

/// Renders the whole page: introduction, questions and the live guide.
#[component]
pub fn App() -> impl IntoView {
    let opened = link::decode(&browser::fragment());
    let wizard = Wizard::new(opened.state);
    let notices = RwSignal::new(notice_texts(&opened.notices));

    // The address bar is outside the reactive system, so an effect copies
    // the answers into it.
    let writer = FragmentWriter::new(wizard.answers);
    Effect::new(move |_| {
        wizard.answers.track();
        writer.request();
    });

    // A fragment edited by hand, or back and forward between fragments,
    // restores the answers from the new fragment; the key stays.
    let restore_from_fragment = move || {
        let fragment = browser::fragment();
        if fragment == wizard.answers.with_untracked(link::encode) {
            return;
        }
        let decoded = link::decode(&fragment);
        wizard.answers.set(decoded.state);
        notices.set(notice_texts(&decoded.notices));
    };
    let hash_listener = window_event_listener(ev::hashchange, move |_| restore_from_fragment());
    let history_listener = window_event_listener(ev::popstate, move |_| restore_from_fragment());
    // Leaving the page, or putting it in the back-forward cache, drops the key.
    let hide_listener = window_event_listener(ev::pagehide, move |_| wizard.forget_key());
    on_cleanup(move || {
        hash_listener.remove();
        history_listener.remove();
        hide_listener.remove();
    });

    view! {
        <Intro />
        <LinkNotices notices />
        <main id="wizard" class="layout">
            <Questions wizard />
            <Output wizard />
        </main>
    }
}

/// Shortest time between two writes of the URL fragment. Browsers limit
/// `history.replaceState`: WebKit throws after 100 calls in a short window,
/// Gecko after 200 in 10 seconds, and Chromium ignores calls beyond 200 in
/// 10 seconds (https://github.com/whatwg/html/issues/11844). Fast typing
/// reaches those limits, and one write per 500 ms stays far below them.
const FRAGMENT_WRITE_INTERVAL: Duration = Duration::from_millis(500);

/// Writes the answers into the URL fragment with `replaceState`, which adds
/// no history entry. The first change is written at once. Changes that
/// follow within [`FRAGMENT_WRITE_INTERVAL`] are written together when it
/// ends, so the address bar always ends up with the latest answers.
#[derive(Clone, Copy)]
struct FragmentWriter {
    answers: RwSignal<State>,
    waiting: StoredValue<bool>,
    changed_while_waiting: StoredValue<bool>,
}

impl FragmentWriter {
    fn new(answers: RwSignal<State>) -> FragmentWriter {
        FragmentWriter {
            answers,
            waiting: StoredValue::new(false),
            changed_while_waiting: StoredValue::new(false),
        }
    }

    /// Records that the answers changed.
    fn request(self) {
        if self.waiting.get_value() {
            self.changed_while_waiting.set_value(true);
        } else {
            self.write_and_wait();
        }
    }

    fn write_and_wait(self) {
        let fragment = self.answers.with_untracked(link::encode);
        // Only real `replaceState` calls count towards the browsers' limits.
        if !browser::replace_fragment(&fragment) {
            return;
        }
        self.waiting.set_value(true);
        set_timeout(
            move || {
                self.waiting.set_value(false);
                if self.changed_while_waiting.get_value() {
                    self.changed_while_waiting.set_value(false);
                    self.write_and_wait();
                }
            },
            FRAGMENT_WRITE_INTERVAL,
        );
    }
}

fn notice_texts(notices: &[link::Notice]) -> Vec<String> {
    notices.iter().map(ToString::to_string).collect()
}

/// Returns one list item per notice, as HTML.
fn notices_html(notices: &[String]) -> String {
    let mut html = String::new();
    for notice in notices {
        html.push_str("<li>");
        push_inline_html(&mut html, notice);
        html.push_str("</li>");
    }
    html
}

/// Renders the page title, what the page does, and the privacy promise.
#[component]
fn Intro() -> impl IntoView {
    view! {
        <header class="intro">
            <h1>"Store the Elastic APM Lambda extension's key in AWS Secrets Manager"</h1>
            <p>
                "Answer the questions to get the exact steps for your deployment tool: "
                "creating the secret, letting the function's execution role read it, "
                "pointing the extension at it, and checking that it works. "
                "The steps update as you type."
            </p>
            <p>
                <strong>"Nothing leaves your browser."</strong>
                " Once loaded, the page makes no network requests. The key you type stays in this tab's memory: "
                "it is not saved, not put in the link, and it is cleared when you leave the page."
            </p>
            <p>
                <a href=REPOSITORY_URL>"Source code and documentation"</a>
            </p>
        </header>
    }
}

/// Lists the parts of the opened link that were ignored, until dismissed.
#[component]
fn LinkNotices(
    /// One message per ignored part of the link.
    notices: RwSignal<Vec<String>>,
) -> impl IntoView {
    view! {
        <div class="link-notices" role="status">
            <Show when=move || notices.with(|list| !list.is_empty())>
                <div>
                    <p>
                        "Some parts of the link could not be used, so those answers keep their defaults:"
                    </p>
                    <ul inner_html=move || notices.with(|list| notices_html(list))></ul>
                    <button type="button" on:click=move |_| notices.set(Vec::new())>
                        "Dismiss"
                    </button>
                </div>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_html_escapes_each_notice() {
        assert_eq!(
            notices_html(&["`tool` <x>".to_owned(), "a & b".to_owned()]),
            "<li><code>tool</code> &lt;x&gt;</li><li>a &amp; b</li>"
        );
        assert_eq!(notices_html(&[]), "");
    }
}
