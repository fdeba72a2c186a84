//! The IAM policy that lets the execution role read the secret.

use serde::Serialize;

use crate::context::Context;
use crate::state::Field;

/// Name of the inline policy that the CLI and console steps create.
pub const POLICY_NAME: &str = "elastic-apm-secret-read";

/// Fields that the policy document is built from.
pub fn depends_on(context: &Context) -> Vec<Field> {
    let mut fields = vec![Field::SecretName, Field::Region, Field::AccountId];
    if context.customer_key() {
        fields.push(Field::KmsKeyArn);
    }
    fields
}

#[derive(Serialize)]
struct Document<'a> {
    #[serde(rename = "Version")]
    version: &'a str,
    #[serde(rename = "Statement")]
    statement: Vec<Statement>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Statement {
    sid: &'static str,
    effect: &'static str,
    action: &'static str,
    resource: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    condition: Option<Condition>,
}

#[derive(Serialize)]
struct Condition {
    #[serde(rename = "StringEquals")]
    string_equals: ViaService,
}

#[derive(Serialize)]
struct ViaService {
    #[serde(rename = "kms:ViaService")]
    via_service: String,
}

/// Renders the policy document as indented JSON. `kms:Decrypt` is granted
/// only for a customer-managed key, and only when Secrets Manager asks.
pub fn document(context: &Context) -> String {
    let mut statement = vec![Statement {
        sid: "ReadElasticApmSecret",
        effect: "Allow",
        action: "secretsmanager:GetSecretValue",
        resource: context.secret_arn_pattern(),
        condition: None,
    }];
    if context.customer_key() {
        statement.push(Statement {
            sid: "DecryptElasticApmSecret",
            effect: "Allow",
            action: "kms:Decrypt",
            resource: context.kms_key_or_placeholder().to_owned(),
            condition: Some(Condition {
                string_equals: ViaService {
                    via_service: context.kms_via_service(),
                },
            }),
        });
    }
    let document = Document {
        version: "2012-10-17",
        statement,
    };
    let mut text = serde_json::to_string_pretty(&document).expect("plain structs always serialize");
    text.push('\n');
    text
}
