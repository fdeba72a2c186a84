//! AWS CLI commands for bash or zsh, and the `setup.sh` script that runs
//! them all in order.

use crate::context::Context;
use crate::guide::{Language, Step, StepBuilder, StepId, step_title};
use crate::policy::{self, POLICY_NAME};
use crate::quote;
use crate::state::Field;
use crate::tools::{
    EXTENSION_VARIABLE_FIELDS, cli_create_secret, cli_variables, configure_notes,
    create_secret_fields, embedded_key_warning, key_handling_notes, verify_step,
};

/// Fields every CLI block may use through the shell variables.
fn variable_fields(context: &Context) -> Vec<Field> {
    let mut fields = create_secret_fields(context);
    fields.extend([Field::FunctionName, Field::Role, Field::ApmServerUrl]);
    fields
}

pub fn steps(context: &Context) -> Vec<Step> {
    vec![
        create_step(context),
        grant_step(context),
        configure_step(context),
        verify_step(context),
    ]
}

fn create_step(context: &Context) -> Step {
    let mut step = StepBuilder::new(context);
    step.prose(
        "These commands are for bash or zsh with the AWS CLI v2 and `jq`. Run them in one shell session: later commands use these variables.",
    );
    step.code(&variable_fields(context), Language::Bash, None, || {
        cli_variables(context, true)
    });
    key_handling_notes(context, &mut step);
    embedded_key_warning(context, &mut step);
    step.code(&create_secret_fields(context), Language::Bash, None, || {
        cli_create_secret(context)
    });
    if context.customer_key() {
        step.prose(
            "`--kms-key-id` encrypts the secret with your customer-managed key; without it Secrets Manager uses `aws/secretsmanager`.",
        );
    }
    step.finish(StepId::CreateSecret, step_title(StepId::CreateSecret))
}

/// Commands that find the role name, unless the user gave it.
fn role_name_commands(context: &Context) -> String {
    if context.role_name.is_some() {
        return String::new();
    }
    "# put-role-policy accepts a role name only, so take the last part of the ARN.\n\
     ROLE_ARN=$(aws lambda get-function-configuration \\\n  \
     --region \"$REGION\" \\\n  \
     --function-name \"$FUNCTION_NAME\" \\\n  \
     --query Role --output text)\n\
     ROLE_NAME=${ROLE_ARN##*/}\n"
        .to_owned()
}

/// Builds the quoted heredoc that writes `policy.json`. Quoting keeps the
/// shell from expanding anything inside the document.
fn write_policy_command(context: &Context) -> String {
    format!(
        "cat > policy.json <<'POLICY'\n{}POLICY\n",
        policy::document(context)
    )
}

fn attach_policy_command() -> String {
    format!(
        "aws iam put-role-policy \\\n  --region \"$REGION\" \\\n  --role-name \"$ROLE_NAME\" \\\n  --policy-name {} \\\n  --policy-document file://policy.json\n",
        quote::shell(POLICY_NAME),
    )
}

fn policy_commands(context: &Context) -> String {
    format!(
        "{}{}{}",
        role_name_commands(context),
        write_policy_command(context),
        attach_policy_command()
    )
}

fn grant_step(context: &Context) -> Step {
    let mut step = StepBuilder::new(context);
    step.prose(format!(
        "Add an inline policy to the function's execution role. It allows `secretsmanager:GetSecretValue` on this secret only{}. The secret's ARN ends in a hyphen and six random characters, which `-??????` matches.",
        if context.customer_key() {
            ", and `kms:Decrypt` on the customer-managed key when Secrets Manager asks for it"
        } else {
            "; the AWS-managed key needs no statement"
        }
    ));
    let mut fields = policy::depends_on(context);
    fields.extend([Field::FunctionName, Field::Role]);
    step.code(&fields, Language::Bash, None, || policy_commands(context));
    step.finish(StepId::GrantAccess, step_title(StepId::GrantAccess))
}

/// Builds the jq program that merges the extension's variables into the
/// existing ones. It drops the plain-text variable, and the other credential
/// kind's lookup, which would otherwise still run at every cold start.
fn jq_program(context: &Context) -> String {
    let auth = context.auth();
    let mut additions = vec![format!("{}: $secret", auth.secret_id_variable())];
    if context.apm_server_url.is_some() {
        additions.push("ELASTIC_APM_LAMBDA_APM_SERVER: $server".to_owned());
    }
    let other = auth.other();
    format!(
        "{{Variables: ((. // {{}}) | del(.{}, .{}) + {{{}}})}}",
        auth.plain_variable(),
        other.secret_id_variable(),
        additions.join(", ")
    )
}

fn configure_commands(context: &Context) -> String {
    let mut jq_arguments = String::from("--arg secret \"$SECRET_NAME\"");
    if context.apm_server_url.is_some() {
        jq_arguments.push_str(" --arg server \"$APM_SERVER_URL\"");
    }
    format!(
        "# update-function-configuration replaces all variables, so merge with\n\
         # the current ones first.\n\
         CURRENT_VARIABLES=$(aws lambda get-function-configuration \\\n  \
         --region \"$REGION\" \\\n  \
         --function-name \"$FUNCTION_NAME\" \\\n  \
         --query Environment.Variables --output json)\n\
         NEW_ENVIRONMENT=$(jq -c {jq_arguments} \\\n  \
         {} <<< \"$CURRENT_VARIABLES\")\n\
         aws lambda update-function-configuration \\\n  \
         --region \"$REGION\" \\\n  \
         --function-name \"$FUNCTION_NAME\" \\\n  \
         --environment \"$NEW_ENVIRONMENT\" \\\n  \
         --query LastUpdateStatus --output text\n\
         aws lambda wait function-updated \\\n  \
         --region \"$REGION\" \\\n  \
         --function-name \"$FUNCTION_NAME\"\n",
        quote::shell(&jq_program(context)),
    )
}

fn configure_step(context: &Context) -> Step {
    let mut step = StepBuilder::new(context);
    configure_notes(context, &mut step);
    if context.apm_server_url.is_none() {
        step.prose(
            "No APM server URL is given, so `ELASTIC_APM_LAMBDA_APM_SERVER` keeps its current value; the extension needs it.",
        );
    }
    let fields = [
        &EXTENSION_VARIABLE_FIELDS[..],
        &[Field::Region, Field::FunctionName],
    ]
    .concat();
    step.code(&fields, Language::Bash, None, || {
        configure_commands(context)
    });
    step.finish(
        StepId::ConfigureExtension,
        step_title(StepId::ConfigureExtension),
    )
}

/// Fields the whole script depends on.
pub fn file_fields(context: &Context) -> Vec<Field> {
    let mut fields = variable_fields(context);
    fields.push(Field::AccountId);
    fields
}

/// Renders `setup.sh`: the guide's commands in order, with a check that
/// stops before any AWS call while a placeholder is left.
pub fn file(context: &Context) -> Option<String> {
    if context.first_error(&file_fields(context)).is_some() {
        return None;
    }
    let auth = context.auth();
    let mut script = format!(
        "#!/usr/bin/env bash\n\
         # Stores the {label} of the Elastic APM Lambda extension in AWS Secrets\n\
         # Manager, lets the function's execution role read it, and points the\n\
         # extension at it. Needs the AWS CLI v2 and jq.\n\
         set -euo pipefail\n\n",
        label = auth.label(),
    );
    script.push_str(&cli_variables(context, true));
    script.push_str(PLACEHOLDER_GUARD);
    script.push_str(
        "\nfor tool in aws jq; do\n  \
         command -v \"$tool\" > /dev/null || { echo \"$tool is required but not installed.\" >&2; exit 1; }\n\
         done\n",
    );
    if context.embedded_key().is_none() {
        script.push_str("trap 'rm -f \"${KEY_FILE:-}\"' EXIT\n");
    }
    script.push_str("\n# The policy is written first, so that a placeholder left in it stops\n# the script before anything is created.\n");
    script.push_str(&write_policy_command(context));
    script.push_str(POLICY_GUARD);
    script.push_str("\necho '1. Creating the secret' >&2\n");
    script.push_str(&cli_create_secret(context));
    script.push_str("\necho '2. Granting the execution role access' >&2\n");
    script.push_str(&role_name_commands(context));
    script.push_str(&attach_policy_command());
    script.push_str("\necho '3. Pointing the extension at the secret' >&2\n");
    script.push_str(&configure_commands(context));
    script.push_str(&format!(
        "\n# 4. Verify: the next invocation is a cold start. Invoke the function,\n\
         # then look for this line in its log:\n\
         #   {}\n\
         echo \"Done. Invoke $FUNCTION_NAME and look for: {}\" >&2\n",
        auth.success_log_line(),
        auth.success_log_line()
    ));
    Some(script)
}

/// Shell lines that stop the script before any AWS call while a variable
/// is still a placeholder. The pattern is generic, so that replacing the
/// placeholders never edits the guard itself.
const PLACEHOLDER_GUARD: &str = "\n# Placeholders look like <this>: replace them before running.\n\
     for value in \"$REGION\" \"$SECRET_NAME\" \"$FUNCTION_NAME\" \"${KMS_KEY_ARN:-}\"; do\n  \
     case $value in\n    \
     *'<'*'>'*) echo \"Replace the placeholder $value at the top of this script.\" >&2; exit 1 ;;\n  \
     esac\n\
     done\n";

/// Shell lines that stop the script when the policy still contains a
/// placeholder, such as the account ID.
const POLICY_GUARD: &str = "if grep -q '<[a-z-]*>' policy.json; then\n  \
     echo 'Replace the placeholder in the policy document above before running.' >&2\n  \
     exit 1\n\
     fi\n";
