//! Property tests: every quoting function round-trips through a real
//! parser of its language, and the policy is valid JSON for any valid name.

use apm_secrets_renderer::{POLICY_FILE, State, quote, render};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// bash itself parses the quoted word back to the original bytes.
    #[test]
    fn shell_quote_round_trips_through_bash(text in "[^\u{0}]{0,40}") {
        let output = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!("printf %s {}", quote::shell(&text)))
            .output()
            .expect("bash runs");
        prop_assert!(output.status.success());
        prop_assert_eq!(String::from_utf8(output.stdout).expect("utf-8"), text);
    }

    #[test]
    fn yaml_scalar_round_trips(text in "\\PC{0,40}|[\\x00-\\x7f]{0,40}") {
        let document = format!("value: {}\n", quote::yaml(&text));
        let parsed = yaml_rust2::YamlLoader::load_from_str(&document)
            .map_err(|error| TestCaseError::fail(format!("{error}: {document}")))?;
        prop_assert_eq!(parsed[0]["value"].as_str(), Some(text.as_str()), "{}", document);
    }

    #[test]
    fn hcl_string_round_trips(text in "\\PC{0,40}|[\\x00-\\x7f${}%]{0,40}") {
        let document = format!("value = {}\n", quote::hcl(&text));
        let context = hcl::eval::Context::new();
        let parsed: serde_json::Value = hcl::eval::from_str(&document, &context)
            .map_err(|error| TestCaseError::fail(format!("{error}: {document}")))?;
        prop_assert_eq!(parsed["value"].as_str(), Some(text.as_str()), "{}", document);
    }

    #[test]
    fn json_string_round_trips(text in "\\PC{0,40}") {
        let parsed: String = serde_json::from_str(&quote::json(&text)).expect("valid JSON");
        prop_assert_eq!(parsed, text);
    }

    /// For any valid secret name, the policy parses and its resource is the
    /// name followed by exactly six single-character wildcards.
    #[test]
    fn policy_is_json_for_any_valid_name(name in "[A-Za-z0-9/_+=.@-]{1,80}") {
        let rendering = render(State {
            secret_name: name.clone(),
            account_id: Some("111122223333".to_owned()),
            ..State::default()
        });
        let policy: serde_json::Value =
            serde_json::from_str(&rendering.files[POLICY_FILE]).expect("policy is JSON");
        let resource = policy["Statement"][0]["Resource"].as_str().expect("resource");
        prop_assert_eq!(
            resource,
            format!("arn:aws:secretsmanager:us-east-1:111122223333:secret:{name}-??????")
        );
    }

    /// An embedded key survives the CLI's quoting exactly, however it looks.
    #[test]
    fn embedded_key_round_trips_through_bash(key in "[^\u{0}\n]{1,40}") {
        let rendering = render(State {
            key_value: Some(key.clone()),
            embed_key: true,
            function_name: Some("orders".to_owned()),
            account_id: Some("111122223333".to_owned()),
            ..State::default()
        });
        let script = &rendering.files["cli/setup.sh"];
        let line = script
            .lines()
            .find(|line| line.trim_start().starts_with("--secret-string"))
            .expect("the script passes the secret string");
        let word = line.trim().trim_end_matches(" \\");
        let value = word
            .strip_prefix("--secret-string=")
            .or_else(|| word.strip_prefix("--secret-string "))
            .expect("one of the two forms");
        let output = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!("printf %s {value}"))
            .output()
            .expect("bash runs");
        prop_assert_eq!(String::from_utf8(output.stdout).expect("utf-8"), key);
    }
}

#[test]
fn key_absent_from_output_unless_embedded() {
    let key = "distinctive-key-value-8c1f";
    let state = State {
        key_value: Some(key.to_owned()),
        function_name: Some("orders".to_owned()),
        ..State::default()
    };
    let json = serde_json::to_string(&render(state.clone())).expect("serializes");
    assert!(!json.contains(key));

    let embedded = render(State {
        embed_key: true,
        ..state
    });
    assert!(embedded.files["cli/setup.sh"].contains(key));
    assert!(!embedded.files["terraform/main.tf"].contains(key));
    assert!(embedded.state.key_value.is_none());
}
