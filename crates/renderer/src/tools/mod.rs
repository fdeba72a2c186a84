//! One renderer per deployment tool, all with the same shape: `steps`
//! returns the four steps of the guide and `file` the complete file.
//! Pieces that several tools share live here.

pub mod cli;
pub mod console;
pub mod sam;
pub mod serverless;
pub mod terraform;

use crate::context::Context;
use crate::guide::{Language, Step, StepBuilder, StepId, Trouble, step_title};
use crate::quote;
use crate::state::Field;

/// Description stored with the secret.
pub fn secret_description(context: &Context) -> String {
    format!(
        "Elastic APM {} for the APM Lambda extension",
        match context.auth() {
            crate::Auth::SecretToken => "secret token",
            crate::Auth::ApiKey => "API key",
        }
    )
}

/// Fields that the `create-secret` command needs.
pub fn create_secret_fields(context: &Context) -> Vec<Field> {
    let mut fields = vec![Field::SecretName, Field::Region];
    if context.customer_key() {
        fields.push(Field::KmsKeyArn);
    }
    fields
}

/// Shell variable assignments for the values the CLI commands use.
pub fn cli_variables(context: &Context, with_function: bool) -> String {
    let mut lines = vec![
        format!("REGION={}", quote::shell(context.region_code())),
        format!("SECRET_NAME={}", quote::shell(&context.secret_name)),
    ];
    if context.customer_key() {
        lines.push(format!(
            "KMS_KEY_ARN={}",
            quote::shell(context.kms_key_or_placeholder())
        ));
    }
    if with_function {
        lines.push(format!(
            "FUNCTION_NAME={}",
            quote::shell(context.function_or_placeholder())
        ));
        if let Some(role) = &context.role_name {
            lines.push(format!("ROLE_NAME={}", quote::shell(role)));
        }
        if let Some(url) = &context.apm_server_url {
            lines.push(format!("APM_SERVER_URL={}", quote::shell(url)));
        }
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// The `create-secret` command, reading the key without echo unless the
/// user chose to embed it. `printf '%s'` writes the value with no newline,
/// which would otherwise become part of the credential.
pub fn cli_create_secret(context: &Context) -> String {
    let label = context.auth().label();
    let mut text = String::new();
    // zsh's `read -p` reads from a coprocess instead of printing a prompt,
    // so the prompt is printed on its own to work in both shells.
    let secret_string = match context.embedded_key() {
        Some(key) if key.starts_with('-') => format!("--secret-string={}", quote::shell(key)),
        Some(key) => format!("--secret-string {}", quote::shell(key)),
        None => {
            text.push_str(&format!(
                "# Type or paste the {label} at the prompt; it is not shown and does\n\
                 # not reach the shell history.\n\
                 printf '%s' {} >&2\n\
                 IFS= read -rs APM_KEY\n\
                 printf '\\n' >&2\n\
                 KEY_FILE=$(mktemp)\n\
                 printf '%s' \"$APM_KEY\" > \"$KEY_FILE\"\n\
                 unset APM_KEY\n",
                quote::shell(&format!("{}: ", capitalize(label)))
            ));
            "--secret-string \"file://$KEY_FILE\"".to_owned()
        }
    };
    if context
        .embedded_key()
        .is_some_and(|key| key.contains(['$', '`']))
    {
        // The single quotes are meant to keep `$` and backticks literal.
        text.push_str("# shellcheck disable=SC2016\n");
    }
    text.push_str("aws secretsmanager create-secret \\\n");
    text.push_str("  --region \"$REGION\" \\\n");
    text.push_str("  --name \"$SECRET_NAME\" \\\n");
    text.push_str(&format!(
        "  --description {} \\\n",
        quote::shell(&secret_description(context))
    ));
    if context.customer_key() {
        text.push_str("  --kms-key-id \"$KMS_KEY_ARN\" \\\n");
    }
    text.push_str(&format!("  {secret_string} \\\n"));
    text.push_str("  --query ARN --output text\n");
    if context.embedded_key().is_none() {
        text.push_str("rm -f \"$KEY_FILE\"\n");
    }
    text
}

/// Adds a warning when the commands that follow contain the key value.
pub fn embedded_key_warning(context: &Context, step: &mut StepBuilder<'_>) {
    if context.embedded_key().is_none() {
        return;
    }
    step.warning(
        "These commands contain the key value, because you chose to embed it. Commands typed or pasted into a shell can land in its history: clear it afterwards, or turn embedding off to read the key at a prompt.",
    );
    let value_has_problem = context.checks.iter().any(|check| {
        check.field == Field::KeyValue && check.id != crate::CheckId::KeyValueLeadingDash
    });
    if value_has_problem {
        step.warning(
            "The embedded key value has a problem that would make authentication fail: read the message beside the key field and correct the value before running these commands.",
        );
    }
}

/// Adds the prose about the key value that every tool's first step shows.
pub fn key_handling_notes(context: &Context, step: &mut StepBuilder<'_>) {
    step.prose(format!(
        "Store the {} as a plaintext secret: exactly the value, with no quotes, no JSON and no trailing newline. The extension sends the stored text as it is.",
        context.auth().label()
    ));
    if context.auth() == crate::Auth::ApiKey {
        step.prose(
            "For an API key, store the encoded credential that follows `ApiKey ` in the `Authorization` header: the base64 encoding of `id:api_key`, as Kibana shows it in the \"Encoded\" format.",
        );
    }
}

/// The first step for tools whose templates should not carry the key: the
/// secret is created with the CLI or the console instead.
pub fn create_secret_outside_template(context: &Context, tool_label: &str) -> Step {
    let mut step = StepBuilder::new(context);
    step.prose(format!(
        "A {tool_label} template should not contain the key: it would be stored in the template, in version control and in the deployment artifacts. Create the secret once with the AWS CLI or the console, then reference it by name."
    ));
    key_handling_notes(context, &mut step);
    step.prose("With the AWS CLI (bash or zsh):");
    embedded_key_warning(context, &mut step);
    let fields = create_secret_fields(context);
    step.code(&fields, Language::Bash, None, || {
        format!(
            "{}{}",
            cli_variables(context, false),
            cli_create_secret(context)
        )
    });
    step.prose("Or in the AWS console:");
    step.instructions(&fields, console::create_secret_items(context));
    step.finish(StepId::CreateSecret, step_title(StepId::CreateSecret))
}

/// The environment variables that configure the extension, as name and
/// value; the value is the secret name or a placeholder.
pub fn extension_variables(context: &Context) -> Vec<(&'static str, String)> {
    vec![
        (
            "ELASTIC_APM_LAMBDA_APM_SERVER",
            context.apm_url_or_placeholder().to_owned(),
        ),
        (
            context.auth().secret_id_variable(),
            context.secret_name.clone(),
        ),
    ]
}

/// Fields that the extension variables are built from.
pub const EXTENSION_VARIABLE_FIELDS: [Field; 2] = [Field::SecretName, Field::ApmServerUrl];

/// Prose that explains what the variable does, shared by every tool.
pub fn configure_notes(context: &Context, step: &mut StepBuilder<'_>) {
    let auth = context.auth();
    step.prose(format!(
        "Set `{}` to the secret's name (its full ARN works too) and remove `{}`: the secrets-manager variable replaces the plain-text one.",
        auth.secret_id_variable(),
        auth.plain_variable()
    ));
    let other = auth.other();
    step.prose(format!(
        "Leave `{}` unset: even an empty value makes the extension look a secret up, and when both credentials end up set, the API key wins.",
        other.secret_id_variable()
    ));
    step.warning(format!(
        "If the lookup fails, the extension does not fall back to `{}`: it logs a warning and the function keeps running without authentication, so its data is rejected by the APM Server. Check the log line in the next step.",
        auth.plain_variable()
    ));
}

/// Fields the CLI log command needs.
const LOG_FIELDS: [Field; 2] = [Field::Region, Field::FunctionName];

/// The verification step, the same for every tool.
pub fn verify_step(context: &Context) -> Step {
    let auth = context.auth();
    let mut step = StepBuilder::new(context);
    step.prose(
        "The extension reads the secret once per execution environment, during its init phase. A configuration change makes the next invocation a cold start: invoke the function, then look in its CloudWatch log for this info line:",
    );
    step.code(&[], Language::Text, None, || {
        format!("{}\n", auth.success_log_line())
    });
    step.prose(
        "The line is logged at info level: with `ELASTIC_APM_LOG_LEVEL` set to `warning` or higher it is not shown, and only failures appear.",
    );
    step.prose("To search the last 15 minutes of the function's log with the AWS CLI v2:");
    step.code(&LOG_FIELDS, Language::Bash, None, || {
        format!(
            "aws logs tail {} \\\n  --region {} \\\n  --since 15m \\\n  --filter-pattern '\"AWS Secrets Manager\"'\n",
            quote::shell(&format!("/aws/lambda/{}", context.function_or_placeholder())),
            quote::shell(context.region_code())
        )
    });
    step.troubleshooting(troubleshooting_entries(context));
    step.finish(StepId::Verify, step_title(StepId::Verify))
}

fn troubleshooting_entries(context: &Context) -> Vec<Trouble> {
    let auth = context.auth();
    let failure = auth.failure_log_prefix();
    let mut list = vec![
        Trouble {
            symptom: format!(
                "`{failure}` with `AccessDeniedException` and `secretsmanager:GetSecretValue`"
            ),
            fix: "The execution role has no statement that matches the secret. Check the policy of step 2: the region, the account and the name before `-??????` must match the secret's ARN. A fixed permission takes effect at the next cold start.".to_owned(),
        },
        Trouble {
            symptom: format!("`{failure}` with `ResourceNotFoundException`"),
            fix: format!(
                "No secret has that name in the function's region. The extension looks only in the function's own region (`{}`): check the name in `{}` and the region of the secret.",
                context.region_code(),
                auth.secret_id_variable()
            ),
        },
        Trouble {
            symptom: format!("`{failure}` with `AccessDeniedException` and `kms:Decrypt`"),
            fix: "The secret is encrypted with a customer-managed key that the role may not use. Add `kms:Decrypt` on the key ARN (not an alias) to the role's policy, and make sure the key policy lets the account or the role use the key.".to_owned(),
        },
        Trouble {
            symptom: "The function times out during init, or the extension is reported as crashed, and no Secrets Manager line appears".to_owned(),
            fix: "A function in a VPC cannot reach Secrets Manager without a NAT gateway or a Secrets Manager VPC interface endpoint, so the lookup hangs until the 10-second init limit. Add one of the two.".to_owned(),
        },
        Trouble {
            symptom: "The success line appears, but the APM Server rejects the data with `401`".to_owned(),
            fix: format!(
                "The stored value is not exactly the {}: a trailing newline or space, quotes, JSON{} become part of the credential. Store the bare value again with `aws secretsmanager put-secret-value`, written with `printf '%s'`; it takes effect at the next cold start.",
                auth.label(),
                if auth == crate::Auth::ApiKey {
                    ", or the raw `id:api_key` form instead of its base64 encoding,"
                } else {
                    " or a key of the wrong kind"
                }
            ),
        },
        Trouble {
            symptom: "Neither the success line nor a warning appears".to_owned(),
            fix: format!(
                "Check that the function has the Elastic APM extension layer, that `{}` is set on the function and not only in a template you have not deployed yet, and that `ELASTIC_APM_LOG_LEVEL` is not above `info`.",
                auth.secret_id_variable()
            ),
        },
        Trouble {
            symptom: "A rotated or corrected key is not used".to_owned(),
            fix: "The secret is read once per execution environment. Running environments keep the old value until they are replaced: update the function's configuration or publish a new version to force cold starts.".to_owned(),
        },
    ];
    if !context.customer_key() {
        // Keep the KMS entry: a key can be changed later, outside the wizard.
        list[2]
            .fix
            .push_str(" With the AWS-managed key `aws/secretsmanager` no statement is needed.");
    }
    list
}

/// Makes the first letter of `text` upper case. Only ASCII letters change,
/// which covers every label this is used for and keeps Unicode case tables
/// out of the WebAssembly build.
pub fn capitalize(text: &str) -> String {
    let mut capitalized = text.to_owned();
    if let Some(first) = capitalized.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    capitalized
}
