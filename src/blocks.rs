//! Views of the guide's blocks: prose, instructions, code, warnings,
//! troubleshooting and notices of blocked output.

use apm_secrets_renderer::{Block, Code, Language};
use leptos::either::Either;
use leptos::html;
use leptos::prelude::*;

use crate::browser;
use crate::copy::CopyButton;
use crate::questions::{field_id, field_label};
use crate::text::{BlockKind, CodePiece, Inline, PLACEHOLDERS, code_pieces, inline_pieces};

/// Renders text with its backtick spans as `<code>` elements, and the
/// placeholders inside those spans highlighted as in code blocks.
pub fn inline_view(text: &str) -> impl IntoView + use<> {
    inline_pieces(text)
        .into_iter()
        .map(|piece| match piece {
            Inline::Text(text) => Either::Left(text.to_owned()),
            Inline::Code(code) => {
                Either::Right(view! { <code>{marked_code(code, &PLACEHOLDERS)}</code> })
            }
        })
        .collect_view()
}

/// Renders `code` with every occurrence of `placeholders` in a `<mark>`.
fn marked_code(code: &str, placeholders: &[&str]) -> impl IntoView + use<> {
    code_pieces(code, placeholders)
        .into_iter()
        .map(|piece| match piece {
            CodePiece::Text(text) => Either::Left(text.to_owned()),
            CodePiece::Placeholder(text) => Either::Right(view! { <mark>{text.to_owned()}</mark> }),
        })
        .collect_view()
}

/// Renders a block of `kind` whose content `block` contains. The content
/// may change while the user types, and the view then updates its text in
/// place. `None` means that the block is about to be removed.
pub fn block_view(kind: BlockKind, block: Memo<Option<Block>>) -> AnyView {
    match kind {
        BlockKind::Prose => view! {
            <p>
                {move || {
                    block.with(|block| match block {
                        Some(Block::Prose { text }) => Some(inline_view(text)),
                        _ => None,
                    })
                }}
            </p>
        }
        .into_any(),
        BlockKind::Instructions => view! {
            <ol class="instructions">
                {move || {
                    block.with(|block| match block {
                        Some(Block::Instructions { items }) => Some(
                            items
                                .iter()
                                .map(|item| view! { <li>{inline_view(item)}</li> })
                                .collect_view(),
                        ),
                        _ => None,
                    })
                }}
            </ol>
        }
        .into_any(),
        BlockKind::Code => view! { <CodeBlock block /> }.into_any(),
        BlockKind::Warning => view! {
            <div class="warning" role="note">
                <strong>"Warning: "</strong>
                {move || {
                    block.with(|block| match block {
                        Some(Block::Warning { text }) => Some(inline_view(text)),
                        _ => None,
                    })
                }}
            </div>
        }
        .into_any(),
        BlockKind::Troubleshooting => view! { <Troubleshooting block /> }.into_any(),
        BlockKind::Blocked => view! { <BlockedNotice block /> }.into_any(),
    }
}

/// Returns the name shown above a code block without a file name.
fn language_name(language: Language) -> &'static str {
    match language {
        Language::Bash => "bash",
        Language::Json => "JSON",
        Language::Yaml => "YAML",
        Language::Hcl => "HCL",
        Language::Text => "text",
    }
}

/// Returns the code of a code block.
fn as_code(block: &Option<Block>) -> Option<&Code> {
    match block {
        Some(Block::Code(code)) => Some(code),
        _ => None,
    }
}

/// Renders a code block with its copy button, highlighting placeholders.
#[component]
fn CodeBlock(
    /// The block, which is always a [`Block::Code`] while it exists.
    block: Memo<Option<Block>>,
) -> impl IntoView {
    let pre = NodeRef::<html::Pre>::new();
    let caption = move || {
        block.with(|block| {
            as_code(block).map(|code| match &code.file_name {
                Some(name) => name.clone(),
                None => language_name(code.language).to_owned(),
            })
        })
    };
    let contains_key = move || {
        block
            .with(|block| as_code(block).is_some_and(|code| code.contains_key))
            .then(|| view! { <span class="contains-key">"Contains the key"</span> })
    };
    // While the user types, the pieces keep their nodes and only their text
    // changes.
    let pieces = move || {
        block.with(|block| as_code(block).map(|code| marked_code(&code.text, &code.placeholders)))
    };
    let text = move |_| {
        block.with_untracked(|block| {
            as_code(block)
                .map(|code| code.text.clone())
                .unwrap_or_default()
        })
    };
    let select_instead = move |_| {
        pre.get_untracked()
            .is_some_and(|element| browser::select_contents(&element))
    };

    view! {
        <figure class="code">
            <figcaption>
                <span class="code-name">{caption}</span>
                {contains_key}
                <CopyButton
                    label="Copy"
                    text=Callback::new(text)
                    select_instead=Callback::new(select_instead)
                />
            </figcaption>
            <pre node_ref=pre tabindex="0">
                <code>{pieces}</code>
            </pre>
        </figure>
    }
}

/// Renders the symptoms the user may see, each with its fix.
#[component]
fn Troubleshooting(
    /// The block, which is always a [`Block::Troubleshooting`] while it exists.
    block: Memo<Option<Block>>,
) -> impl IntoView {
    let entries = move || {
        block.with(|block| match block {
            Some(Block::Troubleshooting { entries }) => Some(
                entries
                    .iter()
                    .map(|entry| {
                        view! {
                            <dt>{inline_view(&entry.symptom)}</dt>
                            <dd>{inline_view(&entry.fix)}</dd>
                        }
                    })
                    .collect_view(),
            ),
            _ => None,
        })
    };

    view! {
        <div class="troubleshooting">
            <h4>"Troubleshooting"</h4>
            <dl>{entries}</dl>
        </div>
    }
}

/// Stands in for output that an error in a field prevents, with a button
/// that moves the focus to that field.
#[component]
fn BlockedNotice(
    /// The block, which is always a [`Block::Blocked`] while it exists.
    block: Memo<Option<Block>>,
) -> impl IntoView {
    let notice = move || {
        block.with(|block| match block {
            Some(Block::Blocked { field, text }) => Some((*field, text.clone())),
            _ => None,
        })
    };
    let content = move || {
        notice().map(|(field, text)| {
            view! {
                {inline_view(&text)}
                " "
                <button
                    type="button"
                    class="link"
                    on:click=move |_| browser::focus_by_id(&field_id(field))
                >
                    {format!("Go to “{}”", field_label(field))}
                </button>
            }
        })
    };

    view! {
        <div class="blocked" role="note">
            <strong>"Not shown: "</strong>
            {content}
        </div>
    }
}
