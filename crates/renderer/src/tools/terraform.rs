//! Terraform (AWS provider) resources, and a whole `main.tf`.

use crate::context::Context;
use crate::guide::{Language, Step, StepBuilder, StepId, step_title};
use crate::hcl::{Item, attribute, block, write};
use crate::policy::POLICY_NAME;
use crate::quote;
use crate::state::{Auth, Field};
use crate::tools::{configure_notes, embedded_key_warning, secret_description, verify_step};

/// Name of the input variable that carries the key.
fn key_variable(context: &Context) -> &'static str {
    match context.auth() {
        Auth::SecretToken => "apm_secret_token",
        Auth::ApiKey => "apm_api_key",
    }
}

fn render(items: &[Item]) -> String {
    let mut text = String::new();
    write(items, 0, &mut text);
    text
}

fn settings() -> Vec<Item> {
    vec![
        block(
            "terraform",
            vec![
                Item::Comment(
                    "Write-only arguments, which keep the key out of the state, need 1.11."
                        .to_owned(),
                ),
                attribute("required_version", "\">= 1.11\""),
                Item::Blank,
                block(
                    "required_providers",
                    vec![Item::Object(
                        "aws".to_owned(),
                        vec![
                            ("source".to_owned(), "\"hashicorp/aws\"".to_owned()),
                            ("version".to_owned(), "\">= 6.0\"".to_owned()),
                        ],
                    )],
                ),
            ],
        ),
        Item::Blank,
        block("provider \"aws\"", vec![attribute("region", "var.region")]),
        Item::Blank,
        block("data \"aws_partition\" \"current\"", Vec::new()),
    ]
}

fn variables(context: &Context) -> Vec<Item> {
    vec![
        block(
            "variable \"region\"",
            vec![
                attribute(
                    "description",
                    quote::hcl(
                        "Region of the Lambda function; the secret must be in the same one.",
                    ),
                ),
                attribute("type", "string"),
                attribute("default", quote::hcl(context.region_code())),
            ],
        ),
        Item::Blank,
        block(
            format!("variable \"{}\"", key_variable(context)),
            vec![
                attribute(
                    "description",
                    quote::hcl(&format!(
                        "The {}. Set it with TF_VAR_{}; it is never written to the plan or the state.",
                        context.auth().label(),
                        key_variable(context)
                    )),
                ),
                attribute("type", "string"),
                attribute("sensitive", "true"),
                attribute("ephemeral", "true"),
            ],
        ),
    ]
}

fn secret_resources(context: &Context) -> Vec<Item> {
    let mut secret = vec![
        attribute("name", quote::hcl(&context.secret_name)),
        attribute("description", quote::hcl(&secret_description(context))),
    ];
    if context.customer_key() {
        secret.push(attribute(
            "kms_key_id",
            quote::hcl(context.kms_key_or_placeholder()),
        ));
    }
    secret.extend([
        Item::Blank,
        Item::Comment(
            "The default of 30 days keeps the name taken for a month after a delete;".to_owned(),
        ),
        Item::Comment("0 deletes at once, with no recovery.".to_owned()),
        attribute("recovery_window_in_days", "7"),
    ]);
    vec![
        block("resource \"aws_secretsmanager_secret\" \"apm\"", secret),
        Item::Blank,
        block(
            "resource \"aws_secretsmanager_secret_version\" \"apm\"",
            vec![
                attribute("secret_id", "aws_secretsmanager_secret.apm.id"),
                attribute("secret_string_wo", format!("var.{}", key_variable(context))),
                Item::Comment(
                    "Increase the version to store a new value of the variable.".to_owned(),
                ),
                attribute("secret_string_wo_version", "1"),
            ],
        ),
    ]
}

fn policy_items(context: &Context) -> Vec<Item> {
    let mut document = vec![block(
        "statement",
        vec![
            attribute("sid", "\"ReadElasticApmSecret\""),
            attribute("actions", "[\"secretsmanager:GetSecretValue\"]"),
            attribute("resources", "[aws_secretsmanager_secret.apm.arn]"),
        ],
    )];
    if context.customer_key() {
        document.push(Item::Blank);
        document.push(block(
            "statement",
            vec![
                attribute("sid", "\"DecryptElasticApmSecret\""),
                attribute("actions", "[\"kms:Decrypt\"]"),
                attribute(
                    "resources",
                    format!("[{}]", quote::hcl(context.kms_key_or_placeholder())),
                ),
                Item::Blank,
                block(
                    "condition",
                    vec![
                        attribute("test", "\"StringEquals\""),
                        attribute("variable", "\"kms:ViaService\""),
                        attribute(
                            "values",
                            "[\"secretsmanager.${var.region}.${data.aws_partition.current.dns_suffix}\"]",
                        ),
                    ],
                ),
            ],
        ));
    }
    vec![
        block(
            "data \"aws_iam_policy_document\" \"apm_secret_read\"",
            document,
        ),
        Item::Blank,
        block(
            "resource \"aws_iam_role_policy\" \"apm_secret_read\"",
            vec![
                attribute("name", quote::hcl(POLICY_NAME)),
                attribute("role", quote::hcl(context.role_or_placeholder())),
                attribute(
                    "policy",
                    "data.aws_iam_policy_document.apm_secret_read.json",
                ),
            ],
        ),
    ]
}

fn environment_block(context: &Context) -> Item {
    let variables = vec![
        (
            "ELASTIC_APM_LAMBDA_APM_SERVER".to_owned(),
            quote::hcl(context.apm_url_or_placeholder()),
        ),
        (
            context.auth().secret_id_variable().to_owned(),
            "aws_secretsmanager_secret.apm.arn".to_owned(),
        ),
    ];
    block(
        "environment",
        vec![Item::Object("variables".to_owned(), variables)],
    )
}

fn function_items(context: &Context) -> Vec<Item> {
    vec![
        block(
            "data \"aws_iam_role\" \"execution\"",
            vec![attribute("name", quote::hcl(context.role_or_placeholder()))],
        ),
        Item::Blank,
        block(
            "resource \"aws_lambda_function\" \"this\"",
            vec![
                attribute(
                    "function_name",
                    quote::hcl(context.function_or_placeholder()),
                ),
                attribute("role", "data.aws_iam_role.execution.arn"),
                attribute("runtime", "\"python3.13\""),
                attribute("handler", "\"index.handler\""),
                attribute("filename", "\"function.zip\""),
                Item::Comment(
                    "Add the Elastic APM extension layer and your agent's layer to layers."
                        .to_owned(),
                ),
                Item::Blank,
                environment_block(context),
                Item::Blank,
                Item::Comment(
                    "The policy must exist before the extension's first lookup.".to_owned(),
                ),
                attribute("depends_on", "[aws_iam_role_policy.apm_secret_read]"),
            ],
        ),
    ]
}

fn secret_fields(context: &Context) -> Vec<Field> {
    let mut fields = vec![Field::SecretName, Field::Region];
    if context.customer_key() {
        fields.push(Field::KmsKeyArn);
    }
    fields
}

/// Shell lines that put the key into the variable without echoing it.
fn apply_commands(context: &Context) -> String {
    let variable = format!("TF_VAR_{}", key_variable(context));
    let assignment = match context.embedded_key() {
        Some(key) => format!("export {variable}={}\n", quote::shell(key)),
        None => format!(
            "printf '%s' {} >&2\nIFS= read -rs {variable}\nprintf '\\n' >&2\nexport {variable}\n",
            quote::shell(&format!(
                "{}: ",
                crate::tools::capitalize(context.auth().label())
            ))
        ),
    };
    format!("{assignment}terraform init\nterraform apply\nunset {variable}\n")
}

pub fn steps(context: &Context) -> Vec<Step> {
    let mut create = StepBuilder::new(context);
    create.prose(format!(
        "The secret's value comes from the sensitive, ephemeral variable `{}` through the write-only argument `secret_string_wo`, so it never reaches the plan or the state. A plain `secret_string` would be stored in the state in clear text. Write-only arguments need Terraform 1.11 or newer.",
        key_variable(context)
    ));
    if context.customer_key() {
        create.prose("`kms_key_id` encrypts the secret with your customer-managed key; without it Secrets Manager uses `aws/secretsmanager`.");
    }
    let fields = secret_fields(context);
    create.code(&fields, Language::Hcl, None, || {
        let mut items = variables(context);
        items.push(Item::Blank);
        items.extend(secret_resources(context));
        render(&items)
    });
    create.warning(
        "Secrets Manager keeps a deleted secret's name reserved for its recovery window, 30 days by default, which blocks re-creating it. The resource sets 7 days; set 0 to delete at once.",
    );
    if context.embedded_key().is_some() {
        create.prose(format!(
            "Store the {} exactly, with no trailing newline. Apply with the value in the variable's environment variable:",
            context.auth().label()
        ));
        embedded_key_warning(context, &mut create);
    } else {
        create.prose(format!(
            "Store the {} exactly, with no trailing newline. Apply with the value read at a prompt, so that it stays out of files and shell history:",
            context.auth().label()
        ));
    }
    create.code(&[], Language::Bash, None, || apply_commands(context));

    let mut grant = StepBuilder::new(context);
    grant.prose(format!(
        "Attach an inline policy to the execution role. The statement references the secret's exact ARN, because Terraform creates both.{} Use `aws_iam_role_policy` (or `aws_iam_role_policy_attachment` with a managed policy), never `aws_iam_policy_attachment`, which takes over the policy's attachments across the whole account.",
        if context.customer_key() {
            " `kms:Decrypt` needs the key ARN, not an alias."
        } else {
            " The AWS-managed key needs no statement."
        }
    ));
    let mut fields = secret_fields(context);
    fields.push(Field::Role);
    grant.code(&fields, Language::Hcl, None, || {
        render(&policy_items(context))
    });

    let mut configure = StepBuilder::new(context);
    configure_notes(context, &mut configure);
    configure.prose(format!(
        "Add this `environment` block to your `aws_lambda_function`, and delete `{}` from it. The value references the secret's ARN.",
        context.auth().plain_variable()
    ));
    configure.code(&[Field::ApmServerUrl], Language::Hcl, None, || {
        render(&[environment_block(context)])
    });
    configure.prose(
        "The whole `main.tf` below is a minimal example with all of these pieces; check it with `terraform validate`.",
    );
    configure.code(
        &file_fields(context),
        Language::Hcl,
        Some("main.tf"),
        || main_tf(context),
    );

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

fn file_fields(context: &Context) -> Vec<Field> {
    let mut fields = secret_fields(context);
    fields.extend([Field::Role, Field::FunctionName, Field::ApmServerUrl]);
    fields
}

fn main_tf(context: &Context) -> String {
    let mut items = settings();
    items.push(Item::Blank);
    items.extend(variables(context));
    items.push(Item::Blank);
    items.extend(secret_resources(context));
    items.push(Item::Blank);
    items.extend(policy_items(context));
    items.push(Item::Blank);
    items.extend(function_items(context));
    render(&items)
}

/// Renders `main.tf`: provider, variables and every resource, with no value
/// of the key.
pub fn file(context: &Context) -> Option<String> {
    if context.first_error(&file_fields(context)).is_some() {
        return None;
    }
    Some(main_tf(context))
}
