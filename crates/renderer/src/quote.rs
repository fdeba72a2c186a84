//! Quoting of user text for each target language. Every value that reaches a
//! snippet goes through one of these functions.

/// Quotes `text` as one POSIX shell word in single quotes. A single quote
/// inside is written as `'\''`: close, escaped quote, reopen.
pub fn shell(text: &str) -> String {
    // Whole runs between quotes are copied at once: a 4 KB key is quoted on
    // every keystroke.
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('\'');
    let mut runs = text.split('\'');
    if let Some(first) = runs.next() {
        quoted.push_str(first);
    }
    for run in runs {
        quoted.push_str("'\\''");
        quoted.push_str(run);
    }
    quoted.push('\'');
    quoted
}

/// Quotes `text` as a JSON string.
pub fn json(text: &str) -> String {
    // Serializing the `&str` directly, not a `Value`, keeps serde_json's
    // number and map code out of the WebAssembly build.
    serde_json::to_string(text).expect("a string always serializes")
}

/// Words that YAML 1.1 parsers, as used by CloudFormation tools and the
/// Serverless Framework, read as booleans or null when unquoted.
const YAML_SPECIAL_WORDS: &[&str] = &[
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
];

/// Writes `text` as a YAML scalar: plain when that is unambiguous, single
/// quoted when it is printable, double quoted with escapes otherwise.
pub fn yaml(text: &str) -> String {
    let plain_safe = text
        .chars()
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic())
        && text
            .chars()
            .all(|character| character.is_ascii_alphanumeric() || "_./-".contains(character))
        && !YAML_SPECIAL_WORDS.contains(&text.to_ascii_lowercase().as_str());
    if plain_safe {
        return text.to_owned();
    }
    let printable = text
        .chars()
        .all(|character| !character.is_control() && character != '\u{feff}');
    if printable {
        return format!("'{}'", text.replace('\'', "''"));
    }
    // A JSON string is also a valid YAML double-quoted scalar.
    json(text)
}

/// Quotes `text` as an HCL (Terraform) string literal. Besides the usual
/// escapes, `${` and `%{` are doubled so that they stay literal instead of
/// starting an interpolation or a template directive.
pub fn hcl(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    let mut characters = text.chars().peekable();
    while let Some(character) = characters.next() {
        match character {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            '$' | '%' if characters.peek() == Some(&'{') => {
                quoted.push(character);
                quoted.push(character);
            }
            other if other.is_control() => {
                quoted.push_str(&format!("\\u{:04X}", other as u32));
            }
            other => quoted.push(other),
        }
    }
    quoted.push('"');
    quoted
}

/// Wraps `text` in a Markdown code span, with a fence longer than any run of
/// backticks inside it.
pub fn markdown_code(text: &str) -> String {
    let longest_run = text
        .split(|character| character != '`')
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    if text.starts_with('`') || text.ends_with('`') {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_single_quote_escaped() {
        assert_eq!(shell("it's"), r"'it'\''s'");
        assert_eq!(shell(""), "''");
        assert_eq!(shell("$HOME `x` \\"), r"'$HOME `x` \'");
    }

    #[test]
    fn yaml_plain_only_when_unambiguous() {
        assert_eq!(yaml("elastic-apm/token"), "elastic-apm/token");
        assert_eq!(yaml("yes"), "'yes'");
        assert_eq!(yaml("Off"), "'Off'");
        assert_eq!(yaml("123"), "'123'");
        assert_eq!(yaml("@scope"), "'@scope'");
        assert_eq!(yaml("a: b"), "'a: b'");
        assert_eq!(yaml("it's"), "'it''s'");
        assert_eq!(yaml("line\nbreak"), "\"line\\nbreak\"");
        assert_eq!(yaml(""), "''");
    }

    #[test]
    fn hcl_escapes_templates() {
        assert_eq!(hcl("${var.x}"), r#""$${var.x}""#);
        assert_eq!(hcl("%{ if }"), r#""%%{ if }""#);
        assert_eq!(hcl("$5 and 50%"), r#""$5 and 50%""#);
        assert_eq!(hcl("a\"b\\c\n"), r#""a\"b\\c\n""#);
    }

    #[test]
    fn markdown_code_fence_grows() {
        assert_eq!(markdown_code("name"), "`name`");
        assert_eq!(markdown_code("a`b"), "``a`b``");
        assert_eq!(markdown_code("`a"), "`` `a ``");
    }
}
