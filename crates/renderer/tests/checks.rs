//! One test per check: a value that triggers it and one that does not.

use apm_secrets_renderer::{Auth, CheckId, Context, Field, Kms, Severity, State, Tool, render};

const KEY_ARN: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/// A state that triggers no check at all.
fn clean() -> State {
    State {
        account_id: Some("111122223333".to_owned()),
        function_name: Some("orders".to_owned()),
        apm_server_url: Some("https://orders.apm.us-east-1.aws.cloud.es.io:443".to_owned()),
        ..State::default()
    }
}

fn ids(state: State) -> Vec<CheckId> {
    Context::new(state)
        .checks
        .iter()
        .map(|check| check.id)
        .collect()
}

/// Asserts that `failing` raises `id` and `passing` does not.
fn assert_check(id: CheckId, failing: State, passing: State) {
    let failing_ids = ids(failing);
    assert!(
        failing_ids.contains(&id),
        "{id:?} missing from {failing_ids:?}"
    );
    let passing_ids = ids(passing);
    assert!(
        !passing_ids.contains(&id),
        "{id:?} raised for the passing value: {passing_ids:?}"
    );
}

fn with(change: impl FnOnce(&mut State)) -> State {
    let mut state = clean();
    change(&mut state);
    state
}

#[test]
fn clean_state_has_no_checks() {
    assert_eq!(ids(clean()), Vec::<CheckId>::new());
}

#[test]
fn secret_name_empty() {
    assert_check(
        CheckId::SecretNameEmpty,
        with(|state| state.secret_name = String::new()),
        with(|state| state.secret_name = "a".to_owned()),
    );
}

#[test]
fn secret_name_too_long() {
    assert_check(
        CheckId::SecretNameTooLong,
        with(|state| state.secret_name = "a".repeat(513)),
        with(|state| state.secret_name = "a".repeat(512)),
    );
}

#[test]
fn secret_name_invalid_character() {
    for bad in ["with space", "colon:name", "ünicode", "star*", "tab\tname"] {
        assert_check(
            CheckId::SecretNameInvalidCharacter,
            with(|state| state.secret_name = bad.to_owned()),
            with(|state| state.secret_name = "ok/_+=.@-name".to_owned()),
        );
    }
}

#[test]
fn secret_name_invalid_message_quotes_value() {
    let context = Context::new(with(|state| state.secret_name = "bad name".to_owned()));
    let check = &context.checks[0];
    assert_eq!(check.severity, Severity::Error);
    assert_eq!(check.field, Field::SecretName);
    assert!(check.message.contains("`bad name`"), "{}", check.message);
    assert!(check.message.contains("a space"), "{}", check.message);
}

#[test]
fn secret_name_suffix_like() {
    assert_check(
        CheckId::SecretNameSuffixLike,
        with(|state| state.secret_name = "apm-AbC123".to_owned()),
        with(|state| state.secret_name = "apm-token".to_owned()),
    );
}

#[test]
fn account_id_invalid() {
    assert_check(
        CheckId::AccountIdInvalid,
        with(|state| state.account_id = Some("1111-2222-3333".to_owned())),
        with(|state| state.account_id = Some("111122223333".to_owned())),
    );
}

#[test]
fn region_unknown() {
    assert_check(
        CheckId::RegionUnknown,
        with(|state| state.region = "eu-mars-1".to_owned()),
        with(|state| state.region = "eu-west-3".to_owned()),
    );
}

#[test]
fn kms_key_missing() {
    assert_check(
        CheckId::KmsKeyMissing,
        with(|state| state.kms = Kms::CustomerManaged),
        with(|state| {
            state.kms = Kms::CustomerManaged;
            state.kms_key_arn = Some(KEY_ARN.to_owned());
        }),
    );
}

#[test]
fn kms_key_alias_name_and_arn() {
    for alias in ["alias/apm", "arn:aws:kms:us-east-1:111122223333:alias/apm"] {
        assert_check(
            CheckId::KmsKeyAlias,
            with(|state| {
                state.kms = Kms::CustomerManaged;
                state.kms_key_arn = Some(alias.to_owned());
            }),
            with(|state| {
                state.kms = Kms::CustomerManaged;
                state.kms_key_arn = Some(KEY_ARN.to_owned());
            }),
        );
    }
}

#[test]
fn kms_key_bare_id() {
    assert_check(
        CheckId::KmsKeyBareId,
        with(|state| {
            state.kms = Kms::CustomerManaged;
            state.kms_key_arn = Some("1234abcd-12ab-34cd-56ef-1234567890ab".to_owned());
        }),
        with(|state| {
            state.kms = Kms::CustomerManaged;
            state.kms_key_arn = Some(KEY_ARN.to_owned());
        }),
    );
}

#[test]
fn kms_key_invalid() {
    assert_check(
        CheckId::KmsKeyInvalid,
        with(|state| {
            state.kms = Kms::CustomerManaged;
            state.kms_key_arn = Some("arn:aws:kms:us-east-1:111122223333:key/nope".to_owned());
        }),
        with(|state| {
            state.kms = Kms::CustomerManaged;
            state.kms_key_arn = Some(KEY_ARN.to_owned());
        }),
    );
}

#[test]
fn kms_key_other_region() {
    assert_check(
        CheckId::KmsKeyOtherRegion,
        with(|state| {
            state.kms = Kms::CustomerManaged;
            state.kms_key_arn = Some(KEY_ARN.replace("us-east-1", "eu-west-1"));
        }),
        with(|state| {
            state.kms = Kms::CustomerManaged;
            state.kms_key_arn = Some(KEY_ARN.to_owned());
        }),
    );
}

#[test]
fn kms_key_partition_mismatch() {
    assert_check(
        CheckId::KmsKeyPartitionMismatch,
        with(|state| {
            state.kms = Kms::CustomerManaged;
            state.kms_key_arn = Some(KEY_ARN.replace("arn:aws:", "arn:aws-cn:"));
        }),
        with(|state| {
            state.kms = Kms::CustomerManaged;
            state.kms_key_arn = Some(KEY_ARN.to_owned());
        }),
    );
}

#[test]
fn kms_key_other_account() {
    assert_check(
        CheckId::KmsKeyOtherAccount,
        with(|state| {
            state.kms = Kms::CustomerManaged;
            state.kms_key_arn = Some(KEY_ARN.replace("111122223333", "444455556666"));
        }),
        with(|state| {
            state.kms = Kms::CustomerManaged;
            state.kms_key_arn = Some(KEY_ARN.to_owned());
        }),
    );
}

#[test]
fn role_invalid() {
    assert_check(
        CheckId::RoleInvalid,
        with(|state| state.role = Some("arn:aws:iam::111122223333:user/alice".to_owned())),
        with(|state| state.role = Some("orders-role".to_owned())),
    );
}

#[test]
fn role_arn_pasted() {
    assert_check(
        CheckId::RoleArnPasted,
        with(|state| {
            state.role = Some("arn:aws:iam::111122223333:role/service-role/orders".to_owned());
        }),
        with(|state| state.role = Some("orders".to_owned())),
    );
    let context = Context::new(with(|state| {
        state.role = Some("arn:aws:iam::111122223333:role/service-role/orders".to_owned());
    }));
    assert_eq!(context.role_name.as_deref(), Some("orders"));
}

#[test]
fn role_other_account() {
    assert_check(
        CheckId::RoleOtherAccount,
        with(|state| state.role = Some("arn:aws:iam::444455556666:role/orders".to_owned())),
        with(|state| state.role = Some("arn:aws:iam::111122223333:role/orders".to_owned())),
    );
}

#[test]
fn role_partition_mismatch() {
    assert_check(
        CheckId::RolePartitionMismatch,
        with(|state| state.role = Some("arn:aws-us-gov:iam::111122223333:role/orders".to_owned())),
        with(|state| state.role = Some("arn:aws:iam::111122223333:role/orders".to_owned())),
    );
}

#[test]
fn function_name_invalid() {
    assert_check(
        CheckId::FunctionNameInvalid,
        with(|state| state.function_name = Some("orders.api".to_owned())),
        with(|state| state.function_name = Some("orders_api-2".to_owned())),
    );
}

#[test]
fn function_arn_checks() {
    let arn = "arn:aws:lambda:us-east-1:111122223333:function:orders";
    assert_check(
        CheckId::FunctionOtherRegion,
        with(|state| state.function_name = Some(arn.replace("us-east-1", "eu-west-1"))),
        with(|state| state.function_name = Some(arn.to_owned())),
    );
    assert_check(
        CheckId::FunctionPartitionMismatch,
        with(|state| state.function_name = Some(arn.replace("arn:aws:", "arn:aws-cn:"))),
        with(|state| state.function_name = Some(arn.to_owned())),
    );
    assert_check(
        CheckId::FunctionOtherAccount,
        with(|state| state.function_name = Some(arn.replace("111122223333", "444455556666"))),
        with(|state| state.function_name = Some(arn.to_owned())),
    );
}

#[test]
fn key_value_whitespace() {
    for bad in [" token", "token ", "token\n", "tok\nen"] {
        assert_check(
            CheckId::KeyValueWhitespace,
            with(|state| state.key_value = Some(bad.to_owned())),
            with(|state| state.key_value = Some("token".to_owned())),
        );
    }
}

#[test]
fn key_value_json() {
    assert_check(
        CheckId::KeyValueJson,
        with(|state| state.key_value = Some(r#"{"token":"abc"}"#.to_owned())),
        with(|state| state.key_value = Some("abc".to_owned())),
    );
}

#[test]
fn key_value_raw_api_key() {
    assert_check(
        CheckId::KeyValueRawApiKey,
        with(|state| {
            state.auth = Auth::ApiKey;
            state.key_value = Some("VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw".to_owned());
        }),
        with(|state| {
            state.auth = Auth::ApiKey;
            state.key_value = Some(apm_secrets_renderer::arn::encode_api_key(
                "VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw",
            ));
        }),
    );
}

#[test]
fn key_value_header_prefix() {
    assert_check(
        CheckId::KeyValueHeaderPrefix,
        with(|state| state.key_value = Some("ApiKey abc".to_owned())),
        with(|state| state.key_value = Some("abc".to_owned())),
    );
}

#[test]
fn key_value_leading_dash_uses_equals_form() {
    let dash = with(|state| {
        state.key_value = Some("-abc".to_owned());
        state.embed_key = true;
    });
    assert_check(
        CheckId::KeyValueLeadingDash,
        dash.clone(),
        with(|state| {
            state.key_value = Some("abc".to_owned());
            state.embed_key = true;
        }),
    );
    let setup = render(dash).files["cli/setup.sh"].clone();
    assert!(setup.contains("--secret-string='-abc'"), "{setup}");
}

#[test]
fn embed_key_without_value() {
    assert_check(
        CheckId::EmbedKeyWithoutValue,
        with(|state| state.embed_key = true),
        with(|state| {
            state.embed_key = true;
            state.key_value = Some("abc".to_owned());
        }),
    );
}

#[test]
fn key_value_never_in_messages() {
    let key = " ApiKey {secret:value}\n";
    let context = Context::new(with(|state| {
        state.auth = Auth::ApiKey;
        state.key_value = Some(key.to_owned());
    }));
    assert!(context.checks.len() >= 3, "{:?}", context.checks);
    for check in &context.checks {
        assert!(!check.message.contains("secret:value"), "{}", check.message);
    }
}

#[test]
fn apm_server_url_checks() {
    let good = Some("https://orders.apm.us-east-1.aws.cloud.es.io:443".to_owned());
    assert_check(
        CheckId::ApmServerUrlMissing,
        with(|state| state.apm_server_url = None),
        with(|state| state.apm_server_url = good.clone()),
    );
    assert_check(
        CheckId::ApmServerUrlNotHttps,
        with(|state| state.apm_server_url = Some("http://apm.internal:8200".to_owned())),
        with(|state| state.apm_server_url = good.clone()),
    );
    assert_check(
        CheckId::ApmServerUrlInvalid,
        with(|state| state.apm_server_url = Some("apm.example.com".to_owned())),
        with(|state| state.apm_server_url = good.clone()),
    );
    for elasticsearch in [
        "https://orders.es.us-east-1.aws.cloud.es.io:443",
        "https://orders.kb.us-east-1.aws.cloud.es.io",
        "https://search.internal:9200",
    ] {
        assert_check(
            CheckId::ApmServerUrlElasticsearch,
            with(|state| state.apm_server_url = Some(elasticsearch.to_owned())),
            with(|state| state.apm_server_url = good.clone()),
        );
    }
}

#[test]
fn sam_role_ignores_policies() {
    assert_check(
        CheckId::SamRoleIgnoresPolicies,
        with(|state| {
            state.tool = Tool::Sam;
            state.role = Some("orders-role".to_owned());
        }),
        with(|state| state.tool = Tool::Sam),
    );
}

#[test]
fn serverless_custom_role() {
    assert_check(
        CheckId::ServerlessCustomRole,
        with(|state| {
            state.tool = Tool::Serverless;
            state.role = Some("arn:aws:iam::111122223333:role/orders".to_owned());
        }),
        with(|state| {
            state.tool = Tool::Serverless;
            state.role = Some("orders".to_owned());
        }),
    );
}

#[test]
fn in_vpc_needs_endpoint() {
    assert_check(
        CheckId::InVpcNeedsEndpoint,
        with(|state| state.in_vpc = true),
        with(|state| state.in_vpc = false),
    );
}

#[test]
fn error_blocks_only_dependent_output() {
    let rendering = render(with(|state| {
        state.apm_server_url = Some("ftp://x".to_owned())
    }));
    assert!(rendering.has_errors());
    assert!(rendering.files.contains_key("policy.json"));
    assert!(!rendering.files.contains_key("terraform/main.tf"));
    let console = &rendering.tools["console"];
    let blocked = console
        .steps
        .iter()
        .flat_map(|step| &step.blocks)
        .filter(|block| matches!(block, apm_secrets_renderer::Block::Blocked { .. }))
        .count();
    let code = console
        .steps
        .iter()
        .flat_map(|step| &step.blocks)
        .filter(|block| matches!(block, apm_secrets_renderer::Block::Code(_)))
        .count();
    assert_eq!(blocked, 1);
    assert!(code >= 2);
}

#[test]
fn unknown_field_rejected() {
    let error = serde_json::from_str::<State>(r#"{"secret_nmae": "x"}"#).unwrap_err();
    assert!(error.to_string().contains("secret_nmae"), "{error}");
    let empty: State = serde_json::from_str("{}").expect("empty state is valid");
    assert_eq!(empty, State::default());
}
