//! Views of the guide's blocks: prose, instructions, code, warnings,
//! troubleshooting and notices of blocked output.
//!
//! The content of each block is written as escaped HTML by
//! [`block_html`] and set as one element's inner HTML. A tree of views per
//! kind of block would give every kind its own generic rendering code,
//! which made up much of the WebAssembly file.

use apm_secrets_renderer::{Block, Code, Language};
use leptos::html;
use leptos::prelude::*;

use crate::browser;
use crate::copy::CopyButton;
use crate::questions::{field_id, field_label};
use crate::text::{BlockKind, block_html};

/// Renders a block of `kind` whose content `block` contains. The content
/// may change while the user types, and the view then replaces the inner
/// HTML of the block's element only. `None` means that the block is about
/// to be removed.
pub fn block_view(kind: BlockKind, block: Memo<Option<Block>>) -> AnyView {
    let content = move || block.with(|block| block.as_ref().map(block_html).unwrap_or_default());
    // The blocks without controls share one element type, which the tag
    // name alone sets apart.
    let (tag, class, role) = match kind {
        BlockKind::Prose => ("p", None, None),
        BlockKind::Instructions => ("ol", Some("instructions"), None),
        BlockKind::Warning => ("div", Some("warning"), Some("note")),
        BlockKind::Troubleshooting => ("div", Some("troubleshooting"), None),
        BlockKind::Code => return code_block(block, content).into_any(),
        BlockKind::Blocked => return blocked_notice(block, content).into_any(),
    };
    html::custom(tag)
        .attr("class", class)
        .attr("role", role)
        .inner_html(content)
        .into_any()
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
/// `block` is always a [`Block::Code`] while it exists, and `content`
/// returns its code as HTML.
fn code_block(
    block: Memo<Option<Block>>,
    content: impl Fn() -> String + Send + Sync + 'static,
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
                <code inner_html=content></code>
            </pre>
        </figure>
    }
}

/// Stands in for output that an error in a field prevents, with a button
/// that moves the focus to that field. `block` is always a
/// [`Block::Blocked`] while it exists, and `content` returns its text as HTML.
fn blocked_notice(
    block: Memo<Option<Block>>,
    content: impl Fn() -> String + Send + Sync + 'static,
) -> impl IntoView {
    let field = move || {
        block.with(|block| match block {
            Some(Block::Blocked { field, .. }) => Some(*field),
            _ => None,
        })
    };
    let button = move || {
        field().map(|field| {
            view! {
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
            <span inner_html=content></span>
            " "
            {button}
        </div>
    }
}
