//! AWS SAM fragments of an `AWS::Serverless::Function`, and a whole
//! template with one function.

use crate::context::Context;
use crate::guide::{Language, Step, StepBuilder, StepId, step_title};
use crate::policy::POLICY_NAME;
use crate::quote;
use crate::state::Field;
use crate::tools::{
    EXTENSION_VARIABLE_FIELDS, configure_notes, create_secret_outside_template,
    extension_variables, verify_step,
};

/// CloudFormation logical ID for the function, built from its name.
pub fn logical_id(context: &Context) -> String {
    let mut id = String::new();
    if let Some(name) = &context.function_name {
        for word in name.split(['-', '_']) {
            // Function names are ASCII, so ASCII case mapping is enough.
            let mut characters = word.chars();
            if let Some(first) = characters.next() {
                id.push(first.to_ascii_uppercase());
                id.extend(characters);
            }
        }
    }
    if id.starts_with(|character: char| character.is_ascii_digit()) {
        id.insert(0, 'F');
    }
    if !id.ends_with("Function") {
        id.push_str("Function");
    }
    id
}

/// Whether the statements go to an existing role, because a function with
/// `Role` set ignores `Policies`.
fn uses_existing_role(context: &Context) -> bool {
    context.role_name.is_some()
}

/// The policy statements as YAML list items, indented by `indent` spaces.
fn statements(context: &Context, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let resource = format!(
        "arn:${{AWS::Partition}}:secretsmanager:${{AWS::Region}}:${{AWS::AccountId}}:secret:{}-??????",
        context.secret_name
    );
    let mut text = format!(
        "{pad}- Sid: ReadElasticApmSecret\n\
         {pad}  Effect: Allow\n\
         {pad}  Action: secretsmanager:GetSecretValue\n\
         {pad}  Resource: !Sub {}\n",
        quote::yaml(&resource)
    );
    if context.customer_key() {
        text.push_str(&format!(
            "{pad}- Sid: DecryptElasticApmSecret\n\
             {pad}  Effect: Allow\n\
             {pad}  Action: kms:Decrypt\n\
             {pad}  Resource: {}\n\
             {pad}  Condition:\n\
             {pad}    StringEquals:\n\
             {pad}      kms:ViaService: !Sub 'secretsmanager.${{AWS::Region}}.${{AWS::URLSuffix}}'\n",
            quote::yaml(context.kms_key_or_placeholder())
        ));
    }
    text
}

/// The function's `Policies` property, indented for `Properties`.
fn policies_property(context: &Context) -> String {
    format!(
        "      Policies:\n        - Statement:\n{}",
        statements(context, 12)
    )
}

/// An `AWS::IAM::RolePolicy` resource for an existing execution role.
fn role_policy_resource(context: &Context) -> String {
    format!(
        "  ElasticApmSecretReadPolicy:\n\
         \x20   Type: AWS::IAM::RolePolicy\n\
         \x20   Properties:\n\
         \x20     RoleName: {}\n\
         \x20     PolicyName: {}\n\
         \x20     PolicyDocument:\n\
         \x20       Version: '2012-10-17'\n\
         \x20       Statement:\n{}",
        quote::yaml(context.role_or_placeholder()),
        quote::yaml(POLICY_NAME),
        statements(context, 10)
    )
}

/// The function's `Environment` property, indented for `Properties`.
fn environment_property(context: &Context) -> String {
    let mut text = "      Environment:\n        Variables:\n".to_owned();
    for (name, value) in extension_variables(context) {
        text.push_str(&format!("          {name}: {}\n", quote::yaml(&value)));
    }
    text
}

/// Header lines that place a `Properties` fragment inside the function.
fn function_header(context: &Context) -> String {
    format!(
        "Resources:\n  {}:\n    Type: AWS::Serverless::Function\n    Properties:\n",
        logical_id(context)
    )
}

fn grant_fields(context: &Context) -> Vec<Field> {
    let mut fields = vec![Field::SecretName];
    if context.customer_key() {
        fields.push(Field::KmsKeyArn);
    }
    if uses_existing_role(context) {
        fields.push(Field::Role);
    }
    fields
}

pub fn steps(context: &Context) -> Vec<Step> {
    let mut grant = StepBuilder::new(context);
    if uses_existing_role(context) {
        grant.warning(
            "Your function uses an existing execution role. SAM ignores a function's `Policies` when `Role` is set, so attach the statements to the role with this resource in the same template.",
        );
        grant.code(&grant_fields(context), Language::Yaml, None, || {
            format!("Resources:\n{}", role_policy_resource(context))
        });
    } else {
        grant.prose(
            "Add this `Policies` entry to the function's `Properties`. `!Sub` fills in the partition, region and account at deployment, so no account ID is needed. Do not use the `AWSSecretsManagerGetSecretValuePolicy` template instead: it grants no `kms:Decrypt`.",
        );
        grant.code(&grant_fields(context), Language::Yaml, None, || {
            format!("{}{}", function_header(context), policies_property(context))
        });
    }

    let mut configure = StepBuilder::new(context);
    configure_notes(context, &mut configure);
    configure.prose(format!(
        "Add the variables to the function's `Environment`, and delete `{}` from the function and from `Globals`, if it is set there.",
        context.auth().plain_variable()
    ));
    configure.code(&EXTENSION_VARIABLE_FIELDS, Language::Yaml, None, || {
        format!(
            "{}{}",
            function_header(context),
            environment_property(context)
        )
    });
    configure.prose(
        "Then deploy with `sam build` and `sam deploy`. The whole template below is a minimal example you can validate with `sam validate --lint`.",
    );
    configure.code(
        &file_fields(context),
        Language::Yaml,
        Some("template.yaml"),
        || template(context),
    );

    vec![
        create_secret_outside_template(context, "SAM"),
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

fn template(context: &Context) -> String {
    let mut text = format!(
        "AWSTemplateFormatVersion: '2010-09-09'\n\
         Transform: AWS::Serverless-2016-10-31\n\
         Description: {}\n\n",
        quote::yaml(&format!(
            "Lambda function whose Elastic APM extension reads its {} from AWS Secrets Manager",
            context.auth().label()
        ))
    );
    text.push_str(&function_header(context));
    if let Some(name) = &context.function_name {
        text.push_str(&format!("      FunctionName: {}\n", quote::yaml(name)));
    }
    text.push_str(
        "      Runtime: python3.13\n\
         \x20     Handler: index.handler\n\
         \x20     InlineCode: |\n\
         \x20       def handler(event, context):\n\
         \x20           return {\"statusCode\": 200}\n\
         \x20     # Add the Elastic APM extension layer and your agent's layer under Layers.\n",
    );
    text.push_str(&environment_property(context));
    if uses_existing_role(context) {
        let role = match &context.role_arn {
            Some(arn) => quote::yaml(arn),
            None => format!(
                "!Sub {}",
                quote::yaml(&format!(
                    "arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/{}",
                    context.role_or_placeholder()
                ))
            ),
        };
        text.push_str(&format!("      Role: {role}\n\n"));
        text.push_str(&role_policy_resource(context));
    } else {
        text.push_str(&policies_property(context));
    }
    text
}

/// Renders `template.yaml`: a whole SAM template with one function.
pub fn file(context: &Context) -> Option<String> {
    if context.first_error(&file_fields(context)).is_some() {
        return None;
    }
    Some(template(context))
}
