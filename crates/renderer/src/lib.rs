//! Pure renderer for the Elastic APM Lambda secrets guide.
//!
//! The flow is: a [`State`] (the wizard's answers) becomes a [`Context`]
//! (derived values and checks), which each tool's renderer turns into a
//! [`Guide`] of four steps and a complete file. Nothing here depends on a
//! browser, so everything is tested natively.

pub mod arn;
pub mod checks;
pub mod context;
pub mod guide;
pub mod hcl;
pub mod link;
pub mod policy;
pub mod quote;
pub mod regions;
pub mod state;
mod tools;

use std::collections::BTreeMap;

use serde::Serialize;

pub use checks::{Check, CheckId, Severity};
pub use context::Context;
pub use guide::{Block, Code, Guide, Language, Step, StepId};
pub use state::{Auth, Field, Kms, State, Tool};

/// Names of the files the renderer produces, in a stable order.
pub const FILE_NAMES: [&str; 6] = [
    POLICY_FILE,
    "cli/setup.sh",
    "sam/template.yaml",
    "serverless/serverless.yml",
    "terraform/main.tf",
    "console/steps.md",
];

/// Name of the IAM policy file.
pub const POLICY_FILE: &str = "policy.json";

/// Renders the guide of one tool.
pub fn render_guide(context: &Context, tool: Tool) -> Guide {
    let steps = match tool {
        Tool::Console => tools::console::steps(context),
        Tool::Cli => tools::cli::steps(context),
        Tool::Sam => tools::sam::steps(context),
        Tool::Serverless => tools::serverless::steps(context),
        Tool::Terraform => tools::terraform::steps(context),
    };
    Guide {
        tool,
        label: tool.label(),
        file: file_name(tool),
        steps,
    }
}

/// Name of the complete file that belongs to `tool`.
pub fn file_name(tool: Tool) -> &'static str {
    match tool {
        Tool::Console => "console/steps.md",
        Tool::Cli => "cli/setup.sh",
        Tool::Sam => "sam/template.yaml",
        Tool::Serverless => "serverless/serverless.yml",
        Tool::Terraform => "terraform/main.tf",
    }
}

/// Renders one file, or `None` when an error in a field it needs prevents it.
pub fn render_file(context: &Context, name: &str) -> Option<String> {
    match name {
        POLICY_FILE => {
            let depends_on = policy::depends_on(context);
            context
                .first_error(&depends_on)
                .is_none()
                .then(|| policy::document(context))
        }
        "cli/setup.sh" => tools::cli::file(context),
        "sam/template.yaml" => tools::sam::file(context),
        "serverless/serverless.yml" => tools::serverless::file(context),
        "terraform/main.tf" => tools::terraform::file(context),
        "console/steps.md" => tools::console::file(context),
        _ => None,
    }
}

/// Everything the renderer produces for one state.
#[derive(Debug, Clone, Serialize)]
pub struct Rendering {
    /// The normalised state, without the key value.
    pub state: State,
    pub checks: Vec<Check>,
    /// Every tool's guide, keyed by the tool's JSON name.
    pub tools: BTreeMap<&'static str, Guide>,
    /// Every file that no error prevents, keyed by its name.
    pub files: BTreeMap<&'static str, String>,
}

/// Renders every tool's guide and every file for `state`.
pub fn render(state: State) -> Rendering {
    let context = Context::new(state);
    let tools = Tool::ALL
        .into_iter()
        .map(|tool| (tool.as_str(), render_guide(&context, tool)))
        .collect();
    let files = FILE_NAMES
        .into_iter()
        .filter_map(|name| render_file(&context, name).map(|text| (name, text)))
        .collect();
    Rendering {
        state: context.state.without_key(),
        checks: context.checks.clone(),
        tools,
        files,
    }
}

impl Rendering {
    /// Whether any check has error severity.
    pub fn has_errors(&self) -> bool {
        self.checks
            .iter()
            .any(|check| check.severity == Severity::Error)
    }
}
