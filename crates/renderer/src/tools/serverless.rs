//! Serverless Framework (v3 and v4) fragments of `serverless.yml`, and a
//! whole service with one function.

use crate::context::Context;
use crate::guide::{Language, Step, StepBuilder, StepId, step_title};
use crate::quote;
use crate::state::Field;
use crate::tools::{
    EXTENSION_VARIABLE_FIELDS, configure_notes, create_secret_outside_template,
    extension_variables, verify_step,
};

/// Key of the function under `functions`.
fn function_key(context: &Context) -> &str {
    context.function_name.as_deref().unwrap_or("app")
}

/// Whether the service uses an existing role ARN, to which the framework
/// applies no statements.
fn uses_custom_role(context: &Context) -> bool {
    context.role_arn.is_some()
}

/// The secret's ARN pattern built with `Fn::Join`, because the framework
/// would try to resolve the `${AWS::...}` of an `Fn::Sub` as its own
/// variables.
fn secret_resource(context: &Context, pad: &str) -> String {
    format!(
        "{pad}Fn::Join:\n\
         {pad}  - ''\n\
         {pad}  - - 'arn:'\n\
         {pad}    - Ref: AWS::Partition\n\
         {pad}    - ':secretsmanager:'\n\
         {pad}    - Ref: AWS::Region\n\
         {pad}    - ':'\n\
         {pad}    - Ref: AWS::AccountId\n\
         {pad}    - {}\n",
        quote::yaml(&format!(":secret:{}-??????", context.secret_name))
    )
}

/// `provider.iam.role.statements`, as a whole `provider` fragment.
fn statements(context: &Context) -> String {
    let mut text = format!(
        "  iam:\n\
         \x20   role:\n\
         \x20     statements:\n\
         \x20       - Sid: ReadElasticApmSecret\n\
         \x20         Effect: Allow\n\
         \x20         Action: secretsmanager:GetSecretValue\n\
         \x20         Resource:\n{}",
        secret_resource(context, "            ")
    );
    if context.customer_key() {
        text.push_str(&format!(
            "        - Sid: DecryptElasticApmSecret\n\
             \x20         Effect: Allow\n\
             \x20         Action: kms:Decrypt\n\
             \x20         Resource: {}\n\
             \x20         Condition:\n\
             \x20           StringEquals:\n\
             \x20             kms:ViaService: {}\n",
            quote::yaml(context.kms_key_or_placeholder()),
            quote::yaml(&context.kms_via_service())
        ));
    }
    text
}

/// The function's `environment`, as a `functions` fragment.
fn function_environment(context: &Context) -> String {
    let mut text = format!(
        "  {}:\n    environment:\n",
        quote::yaml(function_key(context))
    );
    for (name, value) in extension_variables(context) {
        text.push_str(&format!("      {name}: {}\n", quote::yaml(&value)));
    }
    text
}

fn grant_fields(context: &Context) -> Vec<Field> {
    let mut fields = vec![Field::SecretName, Field::Region];
    if context.customer_key() {
        fields.push(Field::KmsKeyArn);
    }
    fields
}

pub fn steps(context: &Context) -> Vec<Step> {
    let mut grant = StepBuilder::new(context);
    if uses_custom_role(context) {
        grant.warning(
            "Your service sets `provider.iam.role` to an existing role ARN, and the framework applies no `statements` to such a role. Attach the policy to the role with the AWS CLI instead:",
        );
        let mut fields = crate::policy::depends_on(context);
        fields.push(Field::Role);
        grant.code(&fields, Language::Bash, None, || {
            format!(
                "cat > policy.json <<'POLICY'\n{}POLICY\naws iam put-role-policy \\\n  --region {} \\\n  --role-name {} \\\n  --policy-name {} \\\n  --policy-document file://policy.json\n",
                crate::policy::document(context),
                quote::shell(context.region_code()),
                quote::shell(context.role_or_placeholder()),
                quote::shell(crate::policy::POLICY_NAME)
            )
        });
    } else {
        grant.prose(
            "Add these statements under `provider.iam.role.statements` (the older `provider.iamRoleStatements` is deprecated). The framework adds them to the role it creates for the service's functions. `Fn::Join` fills in the partition, region and account at deployment.",
        );
        grant.code(&grant_fields(context), Language::Yaml, None, || {
            format!("provider:\n{}", statements(context))
        });
    }

    let mut configure = StepBuilder::new(context);
    configure_notes(context, &mut configure);
    configure.prose(format!(
        "Set the variables in the function's `environment` (or under `provider.environment` for every function), and delete `{}` from both places.",
        context.auth().plain_variable()
    ));
    let mut fields = EXTENSION_VARIABLE_FIELDS.to_vec();
    fields.push(Field::FunctionName);
    configure.code(&fields, Language::Yaml, None, || {
        format!("functions:\n{}", function_environment(context))
    });
    configure.prose(
        "Then deploy with `serverless deploy`. The whole `serverless.yml` below is a minimal example you can check with `serverless print`.",
    );
    configure.code(
        &file_fields(context),
        Language::Yaml,
        Some("serverless.yml"),
        || service(context),
    );

    vec![
        create_secret_outside_template(context, "Serverless Framework"),
        grant.finish(StepId::GrantAccess, step_title(StepId::GrantAccess)),
        configure.finish(
            StepId::ConfigureExtension,
            step_title(StepId::ConfigureExtension),
        ),
        verify_step(context),
    ]
}

fn file_fields(context: &Context) -> Vec<Field> {
    let mut fields = grant_fields(context);
    fields.extend([Field::FunctionName, Field::ApmServerUrl, Field::Role]);
    fields
}

fn service(context: &Context) -> String {
    let mut text = format!(
        "service: elastic-apm-lambda\n\
         frameworkVersion: '3'\n\
         configValidationMode: error\n\n\
         provider:\n\
         \x20 name: aws\n\
         \x20 runtime: python3.11\n\
         \x20 region: {}\n",
        quote::yaml(context.region_code())
    );
    if let Some(arn) = &context.role_arn {
        text.push_str(&format!(
            "  # The framework applies no statements to an existing role: attach the\n\
             \x20 # policy with the AWS CLI, as the guide shows.\n\
             \x20 iam:\n\
             \x20   role: {}\n",
            quote::yaml(arn)
        ));
    } else {
        text.push_str(&statements(context));
    }
    text.push_str("\nfunctions:\n");
    text.push_str(&format!("  {}:\n", quote::yaml(function_key(context))));
    if let Some(name) = &context.function_name {
        text.push_str(&format!("    name: {}\n", quote::yaml(name)));
    }
    text.push_str(
        "    handler: handler.handler\n\
         \x20   # Add the Elastic APM extension layer and your agent's layer under layers.\n\
         \x20   environment:\n",
    );
    for (name, value) in extension_variables(context) {
        text.push_str(&format!("      {name}: {}\n", quote::yaml(&value)));
    }
    text
}

/// Renders `serverless.yml`: a whole service with one function.
pub fn file(context: &Context) -> Option<String> {
    if context.first_error(&file_fields(context)).is_some() {
        return None;
    }
    Some(service(context))
}
