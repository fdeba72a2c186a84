//! Snapshot tests: the checks, the chosen tool's guide and every file, for
//! each state file in `tests/states/` and for a matrix of the main choices.

use apm_secrets_renderer::{Auth, Context, Kms, State, Tool, render, render_guide};

/// Writes what a reviewer needs to judge one state: its checks, the chosen
/// tool's guide as Markdown, and every file, marking absent ones.
fn describe(state: State) -> String {
    let tool = state.tool;
    let context = Context::new(state.clone());
    let rendering = render(state);
    let mut text = String::from("# Checks\n\n");
    for check in &rendering.checks {
        text.push_str(&format!(
            "- {} [{:?}] {}: {}\n",
            check.id.as_str(),
            check.severity,
            check.field.as_str(),
            check.message
        ));
    }
    text.push_str(&format!("\n# Guide: {}\n\n", tool.label()));
    text.push_str(&render_guide(&context, tool).to_markdown(&context));
    for name in apm_secrets_renderer::FILE_NAMES {
        text.push_str(&format!("\n# File: {name}\n\n"));
        match rendering.files.get(name) {
            Some(file) => text.push_str(file),
            None => text.push_str("(absent: an error prevents it)\n"),
        }
    }
    text
}

#[test]
fn state_files() {
    insta::glob!("states/*.json", |path| {
        let json = std::fs::read_to_string(path).expect("state file is readable");
        let state: State = serde_json::from_str(&json).expect("state file is valid");
        insta::assert_snapshot!(describe(state));
    });
}

#[test]
fn matrix_of_auth_kms_and_tool() {
    for auth in Auth::ALL {
        for kms in Kms::ALL {
            for tool in Tool::ALL {
                let state = State {
                    auth,
                    kms,
                    kms_key_arn: (kms == Kms::CustomerManaged).then(|| {
                        "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                            .to_owned()
                    }),
                    account_id: Some("111122223333".to_owned()),
                    function_name: Some("orders".to_owned()),
                    apm_server_url: Some("https://orders.apm.us-east-1.aws.cloud.es.io:443".to_owned()),
                    tool,
                    ..State::default()
                };
                let name = format!("{}-{}-{}", auth.as_str(), kms.as_str(), tool.as_str());
                insta::assert_snapshot!(name, describe(state));
            }
        }
    }
}
