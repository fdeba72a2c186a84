//! Text processing for the output that needs no browser: splitting prose
//! into code spans, marking placeholders in code, escaped HTML for the
//! blocks, and the keys that let blocks keep their DOM nodes while the user
//! types. "Copy all steps" uses the renderer's own Markdown form.

use apm_secrets_renderer::context::placeholder;
use apm_secrets_renderer::{Block, Guide};

/// Every placeholder the renderer writes for a missing answer.
pub const PLACEHOLDERS: [&str; 7] = [
    placeholder::ACCOUNT_ID,
    placeholder::FUNCTION_NAME,
    placeholder::ROLE_NAME,
    placeholder::KMS_KEY_ARN,
    placeholder::APM_SERVER_URL,
    placeholder::SECRET_NAME,
    placeholder::REGION,
];

/// A piece of prose: plain text, or text that was between backticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inline<'a> {
    Text(&'a str),
    Code(&'a str),
}

/// Splits `text` at backticks into plain and code pieces. A backtick
/// without a partner stays in the text as a literal backtick.
pub fn inline_pieces(text: &str) -> Vec<Inline<'_>> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let Some(length) = rest[open + 1..].find('`') else {
            break;
        };
        if open > 0 {
            pieces.push(Inline::Text(&rest[..open]));
        }
        pieces.push(Inline::Code(&rest[open + 1..open + 1 + length]));
        rest = &rest[open + 1 + length + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Inline::Text(rest));
    }
    pieces
}

/// A piece of a code block: verbatim text or a placeholder to highlight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodePiece<'a> {
    Text(&'a str),
    Placeholder(&'a str),
}

/// Splits `code` so that every occurrence of one of `placeholders` is its
/// own piece. Joining the pieces gives back `code` unchanged.
pub fn code_pieces<'a>(code: &'a str, placeholders: &[&str]) -> Vec<CodePiece<'a>> {
    let mut pieces = Vec::new();
    let mut rest = code;
    loop {
        let next = placeholders
            .iter()
            .filter(|placeholder| !placeholder.is_empty())
            .filter_map(|placeholder| rest.find(placeholder).map(|at| (at, placeholder.len())))
            .min();
        let Some((at, length)) = next else {
            break;
        };
        if at > 0 {
            pieces.push(CodePiece::Text(&rest[..at]));
        }
        pieces.push(CodePiece::Placeholder(&rest[at..at + length]));
        rest = &rest[at + length..];
    }
    if !rest.is_empty() {
        pieces.push(CodePiece::Text(rest));
    }
    pieces
}

/// Appends `text` to `html` with the characters that HTML gives a meaning
/// escaped, so that user text (names, ARNs, URLs, the key) always shows as
/// text, in element content and in quoted attribute values alike.
pub fn push_escaped(html: &mut String, text: &str) {
    for character in text.chars() {
        match character {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            _ => html.push(character),
        }
    }
}

/// Returns `text` escaped for HTML, as [`push_escaped`] writes it.
pub fn escape_html(text: &str) -> String {
    let mut html = String::with_capacity(text.len());
    push_escaped(&mut html, text);
    html
}

/// Appends `code` as HTML, with every occurrence of `placeholders` in a
/// `<mark>`.
pub fn push_code_html(html: &mut String, code: &str, placeholders: &[&str]) {
    for piece in code_pieces(code, placeholders) {
        match piece {
            CodePiece::Text(text) => push_escaped(html, text),
            CodePiece::Placeholder(text) => {
                html.push_str("<mark>");
                push_escaped(html, text);
                html.push_str("</mark>");
            }
        }
    }
}

/// Appends `text` as HTML, with its backtick spans as `<code>` elements and
/// the placeholders inside those spans highlighted as in code blocks.
pub fn push_inline_html(html: &mut String, text: &str) {
    for piece in inline_pieces(text) {
        match piece {
            Inline::Text(text) => push_escaped(html, text),
            Inline::Code(code) => {
                html.push_str("<code>");
                push_code_html(html, code, &PLACEHOLDERS);
                html.push_str("</code>");
            }
        }
    }
}

/// Returns `text` as HTML, as [`push_inline_html`] writes it.
pub fn inline_html(text: &str) -> String {
    let mut html = String::with_capacity(text.len());
    push_inline_html(&mut html, text);
    html
}

/// Returns the content of `block`'s element as HTML: the items of a list,
/// the heading and list of troubleshooting, the text of the others.
/// The page sets it as the element's inner HTML, which costs far less code
/// than a tree of views per kind of block.
pub fn block_html(block: &Block) -> String {
    let mut html = String::new();
    match block {
        Block::Prose { text } | Block::Blocked { text, .. } => push_inline_html(&mut html, text),
        Block::Warning { text } => {
            html.push_str("<strong>Warning: </strong>");
            push_inline_html(&mut html, text);
        }
        Block::Instructions { items } => {
            for item in items {
                html.push_str("<li>");
                push_inline_html(&mut html, item);
                html.push_str("</li>");
            }
        }
        Block::Code(code) => push_code_html(&mut html, &code.text, &code.placeholders),
        Block::Troubleshooting { entries } => {
            html.push_str("<h4>Troubleshooting</h4><dl>");
            for entry in entries {
                html.push_str("<dt>");
                push_inline_html(&mut html, &entry.symptom);
                html.push_str("</dt><dd>");
                push_inline_html(&mut html, &entry.fix);
                html.push_str("</dd>");
            }
            html.push_str("</dl>");
        }
    }
    html
}

/// Returns the placeholders that occur anywhere in the guide: in code
/// blocks, and in the code spans of prose and instructions.
pub fn guide_placeholders(guide: &Guide) -> Vec<&'static str> {
    let mut texts: Vec<&str> = Vec::new();
    for block in guide.steps.iter().flat_map(|step| &step.blocks) {
        match block {
            Block::Prose { text } | Block::Warning { text } | Block::Blocked { text, .. } => {
                texts.push(text)
            }
            Block::Instructions { items } => texts.extend(items.iter().map(String::as_str)),
            Block::Code(code) => texts.push(&code.text),
            Block::Troubleshooting { entries } => {
                for entry in entries {
                    texts.push(&entry.symptom);
                    texts.push(&entry.fix);
                }
            }
        }
    }
    PLACEHOLDERS
        .into_iter()
        .filter(|placeholder| texts.iter().any(|text| text.contains(placeholder)))
        .collect()
}

/// The kind of a block, as the first half of its [`BlockKey`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockKind {
    Prose,
    Instructions,
    Code,
    Warning,
    Troubleshooting,
    Blocked,
}

impl BlockKind {
    pub fn of(block: &Block) -> BlockKind {
        match block {
            Block::Prose { .. } => BlockKind::Prose,
            Block::Instructions { .. } => BlockKind::Instructions,
            Block::Code(_) => BlockKind::Code,
            Block::Warning { .. } => BlockKind::Warning,
            Block::Troubleshooting { .. } => BlockKind::Troubleshooting,
            Block::Blocked { .. } => BlockKind::Blocked,
        }
    }
}

/// The identity of a block within its step: its kind and how many blocks
/// of that kind come before it. The key survives edits to the block's text
/// and blocks of other kinds appearing or disappearing, so the output can
/// update the text of a block that is already on the page instead of
/// building it again on every keystroke.
pub type BlockKey = (BlockKind, usize);

/// Returns the key of every block of a step, in order.
pub fn block_keys(blocks: &[Block]) -> Vec<BlockKey> {
    let mut keys: Vec<BlockKey> = Vec::with_capacity(blocks.len());
    for block in blocks {
        let kind = BlockKind::of(block);
        let earlier = keys.iter().filter(|(other, _)| *other == kind).count();
        keys.push((kind, earlier));
    }
    keys
}

/// Finds the block with `key` among the blocks of a step.
pub fn find_block(blocks: &[Block], key: BlockKey) -> Option<&Block> {
    let (kind, position) = key;
    blocks
        .iter()
        .filter(|block| BlockKind::of(block) == kind)
        .nth(position)
}

#[cfg(test)]
mod tests {
    use apm_secrets_renderer::guide::Trouble;
    use apm_secrets_renderer::{Code, Field, Language, Step, StepId, Tool};

    use super::*;

    #[test]
    fn inline_code_spans() {
        assert_eq!(
            inline_pieces("Set `A` and `B`."),
            vec![
                Inline::Text("Set "),
                Inline::Code("A"),
                Inline::Text(" and "),
                Inline::Code("B"),
                Inline::Text("."),
            ]
        );
    }

    #[test]
    fn inline_unpaired_backtick_is_literal() {
        assert_eq!(
            inline_pieces("`a` and ` alone"),
            vec![Inline::Code("a"), Inline::Text(" and ` alone")]
        );
        assert_eq!(inline_pieces("none"), vec![Inline::Text("none")]);
        assert_eq!(inline_pieces(""), vec![]);
    }

    #[test]
    fn code_pieces_mark_every_placeholder() {
        let code = "arn:aws:iam::<account-id>:role/<role-name> <account-id>";
        let pieces = code_pieces(code, &["<role-name>", "<account-id>"]);
        assert_eq!(
            pieces,
            vec![
                CodePiece::Text("arn:aws:iam::"),
                CodePiece::Placeholder("<account-id>"),
                CodePiece::Text(":role/"),
                CodePiece::Placeholder("<role-name>"),
                CodePiece::Text(" "),
                CodePiece::Placeholder("<account-id>"),
            ]
        );
        let joined: String = pieces
            .iter()
            .map(|piece| match piece {
                CodePiece::Text(text) | CodePiece::Placeholder(text) => *text,
            })
            .collect();
        assert_eq!(joined, code);
    }

    #[test]
    fn code_pieces_without_placeholders() {
        assert_eq!(
            code_pieces("echo ok\n", &[]),
            vec![CodePiece::Text("echo ok\n")]
        );
        assert_eq!(code_pieces("", &["<x>"]), vec![]);
    }

    #[test]
    fn escape_html_every_special_character() {
        assert_eq!(
            escape_html(r#"a & b < c > d " e ' f"#),
            "a &amp; b &lt; c &gt; d &quot; e &#39; f"
        );
        assert_eq!(escape_html("&amp;"), "&amp;amp;");
        assert_eq!(escape_html("plain ü"), "plain ü");
        assert_eq!(escape_html(""), "");
    }

    #[test]
    fn inline_html_escapes_text_and_code() {
        assert_eq!(
            inline_html("Use `<a href=\"x\">` & <b>'s</b>"),
            "Use <code>&lt;a href=&quot;x&quot;&gt;</code> &amp; &lt;b&gt;&#39;s&lt;/b&gt;"
        );
    }

    #[test]
    fn inline_html_marks_placeholders_in_code_only() {
        let placeholder = PLACEHOLDERS[0];
        let escaped = escape_html(placeholder);
        assert_eq!(
            inline_html(&format!("{placeholder} `id {placeholder}`")),
            format!("{escaped} <code>id <mark>{escaped}</mark></code>")
        );
    }

    #[test]
    fn code_html_marks_and_escapes() {
        let mut html = String::new();
        push_code_html(&mut html, "a <x> & <x>", &["<x>"]);
        assert_eq!(
            html,
            "a <mark>&lt;x&gt;</mark> &amp; <mark>&lt;x&gt;</mark>"
        );
    }

    #[test]
    fn block_html_of_every_kind() {
        assert_eq!(
            block_html(&prose("a `b` <c>")),
            "a <code>b</code> &lt;c&gt;"
        );
        assert_eq!(
            block_html(&warning("x & y")),
            "<strong>Warning: </strong>x &amp; y"
        );
        assert_eq!(
            block_html(&Block::Instructions {
                items: vec!["one".into(), "`two`".into()]
            }),
            "<li>one</li><li><code>two</code></li>"
        );
        assert_eq!(
            block_html(&Block::Troubleshooting {
                entries: vec![Trouble {
                    symptom: "it's <bad>".into(),
                    fix: "run `x`".into(),
                }]
            }),
            "<h4>Troubleshooting</h4><dl><dt>it&#39;s &lt;bad&gt;</dt><dd>run <code>x</code></dd></dl>"
        );
        assert_eq!(
            block_html(&Block::Blocked {
                field: Field::Region,
                text: "\"quoted\"".into(),
            }),
            "&quot;quoted&quot;"
        );
        assert_eq!(
            block_html(&Block::Code(Code {
                language: Language::Bash,
                file_name: None,
                text: "echo <x> && echo".into(),
                contains_key: false,
                placeholders: vec!["<x>"],
            })),
            "echo <mark>&lt;x&gt;</mark> &amp;&amp; echo"
        );
    }

    fn sample_guide() -> Guide {
        Guide {
            tool: Tool::Cli,
            label: "AWS CLI",
            file: "cli/setup.sh",
            steps: vec![Step {
                id: StepId::CreateSecret,
                title: "Create the secret".to_owned(),
                blocks: vec![
                    Block::Prose {
                        text: "Run `aws`.".to_owned(),
                    },
                    Block::Instructions {
                        items: vec!["Open.".to_owned(), "Click.".to_owned()],
                    },
                    Block::Code(Code {
                        language: Language::Bash,
                        file_name: None,
                        text: "echo ok".to_owned(),
                        contains_key: false,
                        placeholders: vec![],
                    }),
                    Block::Warning {
                        text: "Careful.".to_owned(),
                    },
                    Block::Troubleshooting {
                        entries: vec![Trouble {
                            symptom: "Error".to_owned(),
                            fix: "Fix it.".to_owned(),
                        }],
                    },
                    Block::Blocked {
                        field: Field::SecretName,
                        text: "Needs a name.".to_owned(),
                    },
                ],
            }],
        }
    }

    #[test]
    fn guide_placeholders_cover_every_block() {
        let mut guide = sample_guide();
        assert_eq!(guide_placeholders(&guide), Vec::<&str>::new());

        guide.steps[0].blocks.push(Block::Instructions {
            items: vec!["Choose the function `<function-name>`.".to_owned()],
        });
        guide.steps[0].blocks.push(Block::Code(Code {
            language: Language::Json,
            file_name: None,
            text: "arn:aws:iam::<account-id>:role/x".to_owned(),
            contains_key: false,
            placeholders: vec![placeholder::ACCOUNT_ID],
        }));
        assert_eq!(
            guide_placeholders(&guide),
            vec![placeholder::ACCOUNT_ID, placeholder::FUNCTION_NAME]
        );
    }

    fn prose(text: &str) -> Block {
        Block::Prose {
            text: text.to_owned(),
        }
    }

    fn warning(text: &str) -> Block {
        Block::Warning {
            text: text.to_owned(),
        }
    }

    #[test]
    fn block_keys_count_per_kind() {
        let blocks = [prose("a"), warning("w"), prose("b"), prose("a")];
        assert_eq!(
            block_keys(&blocks),
            vec![
                (BlockKind::Prose, 0),
                (BlockKind::Warning, 0),
                (BlockKind::Prose, 1),
                (BlockKind::Prose, 2),
            ]
        );
    }

    #[test]
    fn block_keys_survive_other_kinds() {
        let before = [prose("a"), prose("b")];
        let after = [warning("new"), prose("a"), prose("b changed")];
        let key = block_keys(&before)[1];
        assert_eq!(key, block_keys(&after)[2]);
        assert_eq!(find_block(&after, key), Some(&prose("b changed")));
    }

    #[test]
    fn find_block_missing_key() {
        assert_eq!(find_block(&[prose("a")], (BlockKind::Prose, 1)), None);
        assert_eq!(find_block(&[prose("a")], (BlockKind::Code, 0)), None);
    }
}
