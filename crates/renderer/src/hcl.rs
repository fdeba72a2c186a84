//! A small writer for HCL bodies that produces the layout `terraform fmt`
//! produces: two-space indentation, and the `=` of consecutive single-line
//! attributes aligned.

/// One element of an HCL body.
#[derive(Debug, Clone)]
pub enum Item {
    /// `name = expression`; the expression is already valid HCL.
    Attribute(String, String),
    /// `name = { ... }`: an object whose keys are aligned like attributes.
    Object(String, Vec<(String, String)>),
    /// `header { ... }`, such as `resource "aws_iam_role_policy" "apm"`.
    Block(String, Vec<Item>),
    /// A `#` comment line.
    Comment(String),
    Blank,
}

/// Shorthand for [`Item::Attribute`].
pub fn attribute(name: &str, expression: impl Into<String>) -> Item {
    Item::Attribute(name.to_owned(), expression.into())
}

/// Shorthand for [`Item::Block`].
pub fn block(header: impl Into<String>, body: Vec<Item>) -> Item {
    Item::Block(header.into(), body)
}

/// Writes `items` at nesting depth `depth`.
pub fn write(items: &[Item], depth: usize, output: &mut String) {
    let pad = "  ".repeat(depth);
    let mut index = 0;
    while index < items.len() {
        match &items[index] {
            Item::Attribute(..) => {
                // terraform fmt aligns a run of attributes that no blank line,
                // comment or block interrupts.
                let run_end = items[index..]
                    .iter()
                    .position(|item| !matches!(item, Item::Attribute(..)))
                    .map_or(items.len(), |offset| index + offset);
                let width = items[index..run_end]
                    .iter()
                    .map(|item| match item {
                        Item::Attribute(name, _) => name.len(),
                        _ => 0,
                    })
                    .max()
                    .unwrap_or(0);
                for item in &items[index..run_end] {
                    if let Item::Attribute(name, expression) = item {
                        output.push_str(&format!("{pad}{name:width$} = {expression}\n"));
                    }
                }
                index = run_end;
                continue;
            }
            Item::Object(name, entries) => {
                output.push_str(&format!("{pad}{name} = {{\n"));
                let width = entries.iter().map(|(key, _)| key.len()).max().unwrap_or(0);
                for (key, expression) in entries {
                    output.push_str(&format!("{pad}  {key:width$} = {expression}\n"));
                }
                output.push_str(&format!("{pad}}}\n"));
            }
            Item::Block(header, body) if body.is_empty() => {
                output.push_str(&format!("{pad}{header} {{}}\n"));
            }
            Item::Block(header, body) => {
                output.push_str(&format!("{pad}{header} {{\n"));
                write(body, depth + 1, output);
                output.push_str(&format!("{pad}}}\n"));
            }
            Item::Comment(text) => output.push_str(&format!("{pad}# {text}\n")),
            Item::Blank => output.push('\n'),
        }
        index += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_aligned_per_run() {
        let items = vec![
            attribute("name", "\"a\""),
            attribute("description", "\"b\""),
            Item::Blank,
            attribute("x", "1"),
        ];
        let mut output = String::new();
        write(&items, 1, &mut output);
        assert_eq!(
            output,
            "  name        = \"a\"\n  description = \"b\"\n\n  x = 1\n"
        );
    }

    #[test]
    fn nested_block_and_object() {
        let items = vec![block(
            "environment",
            vec![Item::Object(
                "variables".to_owned(),
                vec![
                    ("A".to_owned(), "1".to_owned()),
                    ("LONG".to_owned(), "2".to_owned()),
                ],
            )],
        )];
        let mut output = String::new();
        write(&items, 0, &mut output);
        assert_eq!(
            output,
            "environment {\n  variables = {\n    A    = 1\n    LONG = 2\n  }\n}\n"
        );
    }
}
