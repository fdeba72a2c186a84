//! The live guide: a tab per deployment tool, the chosen tool's four
//! steps, and the buttons that copy or download them.

use apm_secrets_renderer::context::placeholder;
use apm_secrets_renderer::{
    Context, FILE_NAMES, Field, Guide, Tool, file_name, render_file, render_guide,
};
use leptos::prelude::*;

use crate::app::Wizard;
use crate::blocks::block_view;
use crate::copy::CopyButton;
use crate::questions::field_label;
use crate::text::{block_keys, find_block, guide_placeholders, push_escaped};
use crate::{browser, zip};

/// The id of the one tab panel, which always shows the selected tool.
const PANEL_ID: &str = "guide-panel";

/// Name of the archive that "Download all files" saves.
const ARCHIVE_NAME: &str = "apm-lambda-secrets.zip";

fn tab_id(tool: Tool) -> String {
    format!("tab-{}", tool.as_str())
}

/// Renders the output column: tabs, actions, placeholder legend and steps.
#[component]
pub fn Output(
    /// The wizard's state.
    wizard: Wizard,
) -> impl IntoView {
    let tool = Memo::new(move |_| wizard.answers.with(|state| state.tool));
    // Only the selected tool's guide is rendered, and the memo lets the
    // steps below skip every keystroke that does not change it.
    let guide = Memo::new(move |_| {
        wizard
            .context
            .with(|context| render_guide(context, context.state.tool))
    });

    view! {
        <section class="output" aria-labelledby="output-heading">
            <h2 id="output-heading">"Steps"</h2>
            <ToolTabs wizard tool />
            <div
                class="panel"
                role="tabpanel"
                id=PANEL_ID
                aria-labelledby=move || tab_id(tool.get())
            >
                <GuideActions wizard guide />
                <PlaceholderLegend guide />
                <Steps guide />
            </div>
        </section>
    }
}

/// Renders one tab per tool. Arrow keys, Home and End move between them.
#[component]
fn ToolTabs(
    /// The wizard's state.
    wizard: Wizard,
    /// The selected tool.
    tool: Memo<Tool>,
) -> impl IntoView {
    let select = move |next: Tool| wizard.update(|state| state.tool = next);
    let move_with_keys = move |event: web_sys::KeyboardEvent| {
        let count = Tool::ALL.len();
        let current = Tool::ALL
            .iter()
            .position(|candidate| *candidate == tool.get_untracked())
            .unwrap_or(0);
        let next = match event.key().as_str() {
            "ArrowRight" | "ArrowDown" => (current + 1) % count,
            "ArrowLeft" | "ArrowUp" => (current + count - 1) % count,
            "Home" => 0,
            "End" => count - 1,
            _ => return,
        };
        event.prevent_default();
        select(Tool::ALL[next]);
        browser::focus_by_id(&tab_id(Tool::ALL[next]));
    };

    let tabs = Tool::ALL
        .into_iter()
        .map(|candidate| {
            let selected = move || tool.get() == candidate;
            view! {
                <button
                    type="button"
                    role="tab"
                    id=tab_id(candidate)
                    aria-controls=PANEL_ID
                    aria-selected=move || if selected() { "true" } else { "false" }
                    tabindex=move || if selected() { "0" } else { "-1" }
                    on:click=move |_| select(candidate)
                >
                    {candidate.label()}
                </button>
            }
        })
        .collect_view();

    view! {
        <div class="tabs" role="tablist" aria-label="Deployment tool" on:keydown=move_with_keys>
            {tabs}
        </div>
    }
}

/// Returns the last part of a file path, the name a download gets.
fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Renders the downloads of the tool's file and of all files, and "Copy all
/// steps".
#[component]
fn GuideActions(
    /// The wizard's state.
    wizard: Wizard,
    /// The selected tool's guide.
    guide: Memo<Guide>,
) -> impl IntoView {
    // The file is rendered with the guide, so that the button shows at
    // once whether an error prevents it.
    let file = Memo::new(move |_| {
        wizard.context.with(|context| {
            let name = file_name(context.state.tool);
            render_file(context, name)
                .map(|text| (name, context.contains_embedded_key(&text), text))
        })
    });
    let file_label = move || {
        let name = guide.with(|guide| guide.file);
        format!("Download {}", base_name(name))
    };
    let unavailable = move || {
        file.with(Option::is_none).then(|| {
            let reason = if wizard.context.with(Context::has_errors) {
                "Fix the errors marked next to the questions to download this file."
            } else {
                "This file is not available for this tool."
            };
            view! { <p class="hint" id="download-note">{reason}</p> }
        })
    };

    // Creating a Blob and its object URL fails only when the browser runs
    // out of memory, and then no download starts, so the result is ignored.
    let download_file = move |_| {
        if let Some((name, _, text)) = file.get_untracked() {
            let _ = browser::download(base_name(name), "text/plain;charset=utf-8", text.as_bytes());
        }
    };
    let download_all = move |_| {
        let files: Vec<(&str, String)> = wizard.context.with_untracked(|context| {
            FILE_NAMES
                .into_iter()
                .filter_map(|name| render_file(context, name).map(|text| (name, text)))
                .collect()
        });
        let entries: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(name, text)| (*name, text.as_bytes()))
            .collect();
        let _ = browser::download(ARCHIVE_NAME, "application/zip", &zip::store(&entries));
    };
    let any_key = move || {
        wizard
            .context
            .with(|context| context.embedded_key().is_some())
            .then(|| view! { <span class="contains-key">"Files may contain the key"</span> })
    };

    view! {
        <div class="actions">
            <button
                type="button"
                disabled=move || file.with(Option::is_none)
                aria-describedby=move || file.with(Option::is_none).then_some("download-note")
                on:click=download_file
            >
                {file_label}
            </button>
            {move || {
                file.with(|file| file.as_ref().is_some_and(|(_, has_key, _)| *has_key))
                    .then(|| view! { <span class="contains-key">"Contains the key"</span> })
            }}
            <button type="button" on:click=download_all>
                "Download all files (.zip)"
            </button>
            {any_key}
            <CopyButton
                label="Copy all steps"
                text=Callback::new(move |_| {
                    wizard.context.with_untracked(|context| {
                        guide.with_untracked(|guide| guide.to_markdown(context))
                    })
                })
                select_instead=Callback::new(|_| false)
                failure="The browser blocked the clipboard: download the file instead, or select the steps and copy them."
            />
        </div>
        {unavailable}
    }
}

/// Returns the question that replaces `placeholder`.
fn placeholder_field(text: &str) -> Option<Field> {
    let field = match text {
        placeholder::ACCOUNT_ID => Field::AccountId,
        placeholder::FUNCTION_NAME => Field::FunctionName,
        placeholder::ROLE_NAME => Field::Role,
        placeholder::KMS_KEY_ARN => Field::KmsKeyArn,
        placeholder::APM_SERVER_URL => Field::ApmServerUrl,
        placeholder::SECRET_NAME => Field::SecretName,
        placeholder::REGION => Field::Region,
        _ => return None,
    };
    Some(field)
}

/// Returns the legend's list items as HTML: each placeholder, highlighted,
/// with the question that replaces it.
fn legend_html(used: &[&str]) -> String {
    let mut html = String::new();
    for text in used {
        html.push_str("<li><mark>");
        push_escaped(&mut html, text);
        html.push_str("</mark>: ");
        push_escaped(
            &mut html,
            placeholder_field(text).map(field_label).unwrap_or(""),
        );
        html.push_str("</li>");
    }
    html
}

/// Explains, once, the highlighted placeholders that occur in the guide.
#[component]
fn PlaceholderLegend(
    /// The selected tool's guide.
    guide: Memo<Guide>,
) -> impl IntoView {
    let used = Memo::new(move |_| guide.with(guide_placeholders));

    view! {
        <Show when=move || used.with(|list| !list.is_empty())>
            <div class="legend">
                <p>
                    "Highlighted values are placeholders for answers not given yet. "
                    "Answer the question, or replace the value by hand before running the code:"
                </p>
                <ul inner_html=move || used.with(|list| legend_html(list))></ul>
            </div>
        </Show>
    }
}

/// Renders the guide's steps, or a note when the tool has none.
#[component]
fn Steps(
    /// The selected tool's guide.
    guide: Memo<Guide>,
) -> impl IntoView {
    let steps = move || {
        guide.with(|guide| {
            (0..guide.steps.len())
                .map(|index| (guide.tool, index))
                .collect::<Vec<_>>()
        })
    };

    view! {
        <Show
            when=move || guide.with(|guide| !guide.steps.is_empty())
            fallback=move || {
                view! {
                    <p class="hint">
                        {move || guide.with(|guide| format!("No steps are available for {} yet.", guide.label))}
                    </p>
                }
            }
        >
            <For each=steps key=|step| *step children=move |(_, index)| view! { <StepView guide index /> } />
        </Show>
    }
}

/// Renders one numbered step with its blocks.
#[component]
fn StepView(
    /// The selected tool's guide.
    guide: Memo<Guide>,
    /// The step's position in the guide.
    index: usize,
) -> impl IntoView {
    let title = guide.with_untracked(|guide| guide.steps[index].title.clone());
    let heading_id = format!("step-{}", index + 1);
    let labelled_by = heading_id.clone();
    let keys = move || {
        guide.with(|guide| {
            guide
                .steps
                .get(index)
                .map(|step| block_keys(&step.blocks))
                .unwrap_or_default()
        })
    };
    // Each row reads its own block through a memo, so a keystroke touches
    // only the rows whose content changed, and those only update text.
    let row = move |key| {
        let block = Memo::new(move |_| {
            guide.with(|guide| {
                guide
                    .steps
                    .get(index)
                    .and_then(|step| find_block(&step.blocks, key))
                    .cloned()
            })
        });
        block_view(key.0, block)
    };

    view! {
        <section class="step" aria-labelledby=labelled_by>
            <h3 id=heading_id>{format!("{}. {title}", index + 1)}</h3>
            <For each=keys key=|key| *key children=row />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legend_html_marks_and_escapes_placeholders() {
        let html = legend_html(&[placeholder::ACCOUNT_ID, "<other>"]);
        assert!(html.starts_with("<li><mark>"));
        assert!(html.contains(&format!(
            "{}</mark>: {}</li>",
            crate::text::escape_html(placeholder::ACCOUNT_ID),
            field_label(Field::AccountId)
        )));
        assert!(html.ends_with("<li><mark>&lt;other&gt;</mark>: </li>"));
    }
}
