//! The rendered guide: for each tool, four steps made of blocks.

use serde::Serialize;

use crate::context::Context;
use crate::state::{Field, Tool};

/// The four steps every guide has, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepId {
    CreateSecret,
    GrantAccess,
    ConfigureExtension,
    Verify,
}

/// Language of a code block, used for highlighting and file types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    Bash,
    Json,
    Yaml,
    Hcl,
    Text,
}

/// A block of code or configuration to copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Code {
    pub language: Language,
    /// File name to save the block as, when it is meant to be a file.
    pub file_name: Option<String>,
    pub text: String,
    /// Whether `text` contains the key value.
    pub contains_key: bool,
    /// Placeholders that occur in `text`, for highlighting.
    pub placeholders: Vec<&'static str>,
}

/// One element of a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph. Text between backticks is code.
    Prose {
        text: String,
    },
    /// Numbered instructions, for example console clicks.
    Instructions {
        items: Vec<String>,
    },
    Code(Code),
    /// A caution the user should read before going on.
    Warning {
        text: String,
    },
    /// Symptoms the user may see, each with its cause and fix.
    Troubleshooting {
        entries: Vec<Trouble>,
    },
    /// Notice in place of output that an error in `field` prevents. The
    /// field's check message explains the fix.
    Blocked {
        field: Field,
        text: String,
    },
}

/// A symptom, as the user sees it in a log or an AWS error, and its fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trouble {
    pub symptom: String,
    pub fix: String,
}

/// One of the four steps, rendered for one tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub id: StepId,
    pub title: String,
    pub blocks: Vec<Block>,
}

/// The whole guide for one tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Guide {
    pub tool: Tool,
    pub label: &'static str,
    /// Name of the complete file for this tool, in the `files` map.
    pub file: &'static str,
    pub steps: Vec<Step>,
}

/// Collects the blocks of one step, replacing output that depends on a field
/// with an error by a [`Block::Blocked`] notice.
pub struct StepBuilder<'a> {
    context: &'a Context,
    blocks: Vec<Block>,
}

impl<'a> StepBuilder<'a> {
    pub fn new(context: &'a Context) -> StepBuilder<'a> {
        StepBuilder {
            context,
            blocks: Vec::new(),
        }
    }

    pub fn prose(&mut self, text: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Prose { text: text.into() });
        self
    }

    pub fn warning(&mut self, text: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Warning { text: text.into() });
        self
    }

    pub fn troubleshooting(&mut self, entries: Vec<Trouble>) -> &mut Self {
        self.blocks.push(Block::Troubleshooting { entries });
        self
    }

    pub fn push(&mut self, block: Block) -> &mut Self {
        self.blocks.push(block);
        self
    }

    /// Adds numbered instructions unless a field in `depends_on` has an error.
    pub fn instructions(&mut self, depends_on: &[Field], items: Vec<String>) -> &mut Self {
        let block = match self.blocked(depends_on) {
            Some(blocked) => blocked,
            None => Block::Instructions { items },
        };
        self.blocks.push(block);
        self
    }

    /// Adds a code block unless a field in `depends_on` has an error. The
    /// text is built only when it can be shown.
    pub fn code(
        &mut self,
        depends_on: &[Field],
        language: Language,
        file_name: Option<&str>,
        text: impl FnOnce() -> String,
    ) -> &mut Self {
        let block = match self.blocked(depends_on) {
            Some(blocked) => blocked,
            None => {
                let text = text();
                let contains_key = self.context.contains_embedded_key(&text);
                let placeholders = self
                    .context
                    .placeholders()
                    .into_iter()
                    .filter(|placeholder| text.contains(placeholder))
                    .collect();
                Block::Code(Code {
                    language,
                    file_name: file_name.map(str::to_owned),
                    text,
                    contains_key,
                    placeholders,
                })
            }
        };
        self.blocks.push(block);
        self
    }

    fn blocked(&self, depends_on: &[Field]) -> Option<Block> {
        let field = self.context.first_error(depends_on)?;
        Some(Block::Blocked {
            field,
            text: format!(
                "This block needs a valid \"{}\" (`{}`): fix the error shown for that field.",
                field.label(),
                field.as_str()
            ),
        })
    }

    pub fn finish(&mut self, id: StepId, title: impl Into<String>) -> Step {
        Step {
            id,
            title: title.into(),
            blocks: std::mem::take(&mut self.blocks),
        }
    }
}

/// Title of each step, shared by every tool.
pub fn step_title(id: StepId) -> &'static str {
    match id {
        StepId::CreateSecret => "Create the secret",
        StepId::GrantAccess => "Let the execution role read the secret",
        StepId::ConfigureExtension => "Point the extension at the secret",
        StepId::Verify => "Verify",
    }
}

impl Guide {
    /// Writes the guide as Markdown, for `steps.md` and for pasting into a
    /// ticket or runbook.
    pub fn to_markdown(&self, context: &Context) -> String {
        let mut text = format!(
            "# Store the Elastic APM {} in AWS Secrets Manager ({})\n",
            match context.auth() {
                crate::Auth::SecretToken => "secret token",
                crate::Auth::ApiKey => "API key",
            },
            self.label
        );
        for (number, step) in self.steps.iter().enumerate() {
            text.push_str(&format!("\n## {}. {}\n", number + 1, step.title));
            for block in &step.blocks {
                text.push('\n');
                match block {
                    Block::Prose { text: prose } => text.push_str(&format!("{prose}\n")),
                    Block::Instructions { items } => {
                        for (index, item) in items.iter().enumerate() {
                            text.push_str(&format!("{}. {item}\n", index + 1));
                        }
                    }
                    Block::Code(code) => {
                        let fence = "`".repeat(longest_backtick_run(&code.text).max(2) + 1);
                        let language = match code.language {
                            Language::Bash => "bash",
                            Language::Json => "json",
                            Language::Yaml => "yaml",
                            Language::Hcl => "hcl",
                            Language::Text => "text",
                        };
                        text.push_str(&format!("{fence}{language}\n{}", code.text));
                        if !code.text.ends_with('\n') {
                            text.push('\n');
                        }
                        text.push_str(&format!("{fence}\n"));
                    }
                    Block::Warning { text: warning } => {
                        text.push_str(&format!("> **Warning:** {warning}\n"));
                    }
                    Block::Troubleshooting { entries } => {
                        text.push_str("If something goes wrong:\n\n");
                        for entry in entries {
                            text.push_str(&format!("- {}: {}\n", entry.symptom, entry.fix));
                        }
                    }
                    Block::Blocked { text: notice, .. } => {
                        text.push_str(&format!("> **Missing:** {notice}\n"));
                    }
                }
            }
        }
        text
    }
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|character| character != '`')
        .map(str::len)
        .max()
        .unwrap_or(0)
}
