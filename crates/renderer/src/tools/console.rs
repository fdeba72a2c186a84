//! AWS web console steps, naming the console's own labels, and the
//! `steps.md` file that holds the whole guide as Markdown.

use crate::context::Context;
use crate::guide::{Guide, Language, Step, StepBuilder, StepId, step_title};
use crate::policy::{self, POLICY_NAME};
use crate::state::{Field, Tool};
use crate::tools::{configure_notes, create_secret_fields, key_handling_notes, verify_step};

/// Address of a service's console page in the state's region.
fn console_url(context: &Context, service: &str) -> String {
    format!(
        "https://{}/{service}/home?region={}",
        context.partition.console_host(),
        context.region_code()
    )
}

/// Console clicks that create the secret, shared with the SAM and
/// Serverless guides.
pub fn create_secret_items(context: &Context) -> Vec<String> {
    let label = context.auth().label();
    let encryption = if context.customer_key() {
        format!(
            "For \"Encryption key\", choose your customer-managed key `{}`. It must be in this region.",
            context.kms_key_or_placeholder()
        )
    } else {
        "For \"Encryption key\", keep `aws/secretsmanager`, the AWS-managed key.".to_owned()
    };
    vec![
        format!(
            "Open the Secrets Manager console at `{}` and check that the region selector shows `{}`, the function's region.",
            console_url(context, "secretsmanager"),
            context.region_code()
        ),
        "Choose \"Store a new secret\".".to_owned(),
        "For \"Secret type\", choose \"Other type of secret\".".to_owned(),
        format!(
            "Under \"Key/value pairs\", choose the \"Plaintext\" tab, delete the text already there, and paste the {label}: only the value, with no quotes, braces or trailing newline."
        ),
        encryption,
        format!(
            "Choose \"Next\". For \"Secret name\", enter `{}`. Leave \"Configure rotation\" off and choose \"Next\" again.",
            context.secret_name
        ),
        "Review the settings and choose \"Store\".".to_owned(),
    ]
}

pub fn steps(context: &Context) -> Vec<Step> {
    let auth = context.auth();
    let mut create = StepBuilder::new(context);
    key_handling_notes(context, &mut create);
    create.instructions(&create_secret_fields(context), create_secret_items(context));

    let mut grant = StepBuilder::new(context);
    grant.instructions(
        &[Field::Region, Field::FunctionName],
        vec![
            format!(
                "Open the Lambda console at `{}` and choose the function `{}`.",
                console_url(context, "lambda"),
                context.function_or_placeholder()
            ),
            "Choose the \"Configuration\" tab, then \"Permissions\", and under \"Execution role\" choose the role name. The IAM console opens on the role.".to_owned(),
            "Under \"Permissions policies\", choose \"Add permissions\", then \"Create inline policy\".".to_owned(),
            "In the \"Policy editor\", choose \"JSON\" and replace the whole text with the policy below.".to_owned(),
            format!("Choose \"Next\". For \"Policy name\", enter `{POLICY_NAME}`, then choose \"Create policy\"."),
        ],
    );
    grant.prose(format!(
        "The policy allows `secretsmanager:GetSecretValue` on this secret only: its ARN ends in a hyphen and six random characters, which `-??????` matches.{}",
        if context.customer_key() {
            " `kms:Decrypt` is allowed on the key ARN, only when Secrets Manager makes the request."
        } else {
            " The AWS-managed key needs no statement."
        }
    ));
    grant.code(
        &policy::depends_on(context),
        Language::Json,
        Some("policy.json"),
        || policy::document(context),
    );

    let mut configure = StepBuilder::new(context);
    configure_notes(context, &mut configure);
    let mut items = vec![
        "In the Lambda console, open the function, choose the \"Configuration\" tab, then \"Environment variables\", and choose \"Edit\".".to_owned(),
        format!(
            "Choose \"Add environment variable\". For \"Key\", enter `{}`; for \"Value\", enter `{}`.",
            auth.secret_id_variable(),
            context.secret_name
        ),
        format!(
            "If `{}` is listed, choose \"Remove\" next to it.",
            auth.plain_variable()
        ),
    ];
    items.push(match &context.apm_server_url {
        Some(url) => format!(
            "Make sure `ELASTIC_APM_LAMBDA_APM_SERVER` is set to `{url}`; add it if it is missing."
        ),
        None => "Make sure `ELASTIC_APM_LAMBDA_APM_SERVER` is set to your APM endpoint; the extension needs it.".to_owned(),
    });
    items.push("Choose \"Save\".".to_owned());
    configure.instructions(&[Field::SecretName, Field::ApmServerUrl], items);

    vec![
        create.finish(StepId::CreateSecret, step_title(StepId::CreateSecret)),
        grant.finish(StepId::GrantAccess, step_title(StepId::GrantAccess)),
        configure.finish(
            StepId::ConfigureExtension,
            step_title(StepId::ConfigureExtension),
        ),
        verify_step(context),
    ]
}

/// Fields the console guide is built from.
fn file_fields(context: &Context) -> Vec<Field> {
    let mut fields = policy::depends_on(context);
    fields.extend([Field::FunctionName, Field::ApmServerUrl]);
    fields
}

/// Renders `steps.md`, the console guide as one Markdown document.
pub fn file(context: &Context) -> Option<String> {
    if context.first_error(&file_fields(context)).is_some() {
        return None;
    }
    let guide = Guide {
        tool: Tool::Console,
        label: Tool::Console.label(),
        file: crate::file_name(Tool::Console),
        steps: steps(context),
    };
    Some(guide.to_markdown(context))
}
