//! The wizard state: every answer the user gives, in the JSON form that the
//! command-line tool reads and that shared links encode.

use serde::{Deserialize, Serialize};

/// Secret name used until the user types one.
pub const DEFAULT_SECRET_NAME: &str = "elastic-apm/lambda-credential";

/// Region used until the user picks one.
pub const DEFAULT_REGION: &str = "us-east-1";

/// The credential the extension sends to the APM Server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Auth {
    #[default]
    SecretToken,
    ApiKey,
}

impl Auth {
    pub const ALL: [Auth; 2] = [Auth::SecretToken, Auth::ApiKey];

    /// Variable that names the secret the extension reads.
    pub fn secret_id_variable(self) -> &'static str {
        match self {
            Auth::SecretToken => "ELASTIC_APM_SECRETS_MANAGER_SECRET_TOKEN_ID",
            Auth::ApiKey => "ELASTIC_APM_SECRETS_MANAGER_API_KEY_ID",
        }
    }

    /// Returns the other credential kind.
    pub fn other(self) -> Auth {
        match self {
            Auth::SecretToken => Auth::ApiKey,
            Auth::ApiKey => Auth::SecretToken,
        }
    }

    /// Plain-text variable that the secrets-manager variable replaces.
    pub fn plain_variable(self) -> &'static str {
        match self {
            Auth::SecretToken => "ELASTIC_APM_SECRET_TOKEN",
            Auth::ApiKey => "ELASTIC_APM_API_KEY",
        }
    }

    /// Lower-case name used in prose, such as "APM secret token".
    pub fn label(self) -> &'static str {
        match self {
            Auth::SecretToken => "APM secret token",
            Auth::ApiKey => "APM API key",
        }
    }

    /// Line the extension logs at info level when the lookup succeeds.
    pub fn success_log_line(self) -> &'static str {
        match self {
            Auth::SecretToken => "Using the APM secret token retrieved from AWS Secrets Manager.",
            Auth::ApiKey => "Using the APM API key retrieved from AWS Secrets Manager.",
        }
    }

    /// Start of the line the extension logs at warn level when the lookup fails.
    pub fn failure_log_prefix(self) -> &'static str {
        match self {
            Auth::SecretToken => "Could not load APM secret token from AWS Secrets Manager.",
            Auth::ApiKey => "Could not load APM API key from AWS Secrets Manager.",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Auth::SecretToken => "secret_token",
            Auth::ApiKey => "api_key",
        }
    }
}

/// The KMS key that encrypts the secret.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kms {
    /// The AWS-managed key `aws/secretsmanager`.
    #[default]
    AwsManaged,
    /// A customer-managed key, given by its key ARN.
    CustomerManaged,
}

impl Kms {
    pub const ALL: [Kms; 2] = [Kms::AwsManaged, Kms::CustomerManaged];

    pub fn as_str(self) -> &'static str {
        match self {
            Kms::AwsManaged => "aws_managed",
            Kms::CustomerManaged => "customer_managed",
        }
    }
}

/// The deployment tool whose steps the user follows.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Tool {
    #[default]
    Console,
    Cli,
    Sam,
    Serverless,
    Terraform,
}

impl Tool {
    pub const ALL: [Tool; 5] = [
        Tool::Console,
        Tool::Cli,
        Tool::Sam,
        Tool::Serverless,
        Tool::Terraform,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Tool::Console => "console",
            Tool::Cli => "cli",
            Tool::Sam => "sam",
            Tool::Serverless => "serverless",
            Tool::Terraform => "terraform",
        }
    }

    /// Name shown to the user, such as "AWS CLI".
    pub fn label(self) -> &'static str {
        match self {
            Tool::Console => "AWS console",
            Tool::Cli => "AWS CLI",
            Tool::Sam => "AWS SAM",
            Tool::Serverless => "Serverless Framework",
            Tool::Terraform => "Terraform",
        }
    }

    /// Parses the JSON spelling, as used in shared links.
    pub fn parse(text: &str) -> Option<Tool> {
        Tool::ALL.into_iter().find(|tool| tool.as_str() == text)
    }
}

/// Every answer of the wizard. A missing JSON member takes its default, so
/// `{}` is a complete state; an unknown member is rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct State {
    pub auth: Auth,
    pub secret_name: String,
    /// The key itself. Output and shared links carry [`State::without_key`].
    pub key_value: Option<String>,
    /// Whether snippets contain the key value instead of a safe input method.
    pub embed_key: bool,
    pub kms: Kms,
    pub kms_key_arn: Option<String>,
    pub region: String,
    pub account_id: Option<String>,
    pub function_name: Option<String>,
    /// Execution role, as a role name or a role ARN.
    pub role: Option<String>,
    pub apm_server_url: Option<String>,
    pub in_vpc: bool,
    pub tool: Tool,
}

impl Default for State {
    fn default() -> Self {
        State {
            auth: Auth::default(),
            secret_name: DEFAULT_SECRET_NAME.to_owned(),
            key_value: None,
            embed_key: false,
            kms: Kms::default(),
            kms_key_arn: None,
            region: DEFAULT_REGION.to_owned(),
            account_id: None,
            function_name: None,
            role: None,
            apm_server_url: None,
            in_vpc: false,
            tool: Tool::default(),
        }
    }
}

impl State {
    /// Returns a copy with the key value removed, for output and links.
    pub fn without_key(&self) -> State {
        State {
            key_value: None,
            ..self.clone()
        }
    }

    /// Returns the state with empty optional strings turned into `None`,
    /// because a cleared form field means "not given".
    pub fn normalized(mut self) -> State {
        // A key of only spaces stays, so that the whitespace warning can name it.
        if self.key_value.as_deref() == Some("") {
            self.key_value = None;
        }
        for field in [
            &mut self.kms_key_arn,
            &mut self.account_id,
            &mut self.function_name,
            &mut self.role,
            &mut self.apm_server_url,
        ] {
            if field.as_deref().is_some_and(|text| text.trim().is_empty()) {
                *field = None;
            }
        }
        self
    }
}

/// A question of the wizard, named as its member in the JSON state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Auth,
    SecretName,
    KeyValue,
    EmbedKey,
    Kms,
    KmsKeyArn,
    Region,
    AccountId,
    FunctionName,
    Role,
    ApmServerUrl,
    InVpc,
    Tool,
}

impl Field {
    /// Label of the question that answers the field, as the page shows it.
    pub fn label(self) -> &'static str {
        match self {
            Field::Auth => "Authentication method",
            Field::SecretName => "Secret name",
            Field::KeyValue => "Key value",
            Field::EmbedKey => "Embed the key in the snippets",
            Field::Kms => "Encryption key",
            Field::KmsKeyArn => "KMS key ARN",
            Field::Region => "Region",
            Field::AccountId => "Account ID",
            Field::FunctionName => "Function name",
            Field::Role => "Execution role",
            Field::ApmServerUrl => "APM server URL",
            Field::InVpc => "The function runs in a VPC",
            Field::Tool => "Deployment tool",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Auth => "auth",
            Field::SecretName => "secret_name",
            Field::KeyValue => "key_value",
            Field::EmbedKey => "embed_key",
            Field::Kms => "kms",
            Field::KmsKeyArn => "kms_key_arn",
            Field::Region => "region",
            Field::AccountId => "account_id",
            Field::FunctionName => "function_name",
            Field::Role => "role",
            Field::ApmServerUrl => "apm_server_url",
            Field::InVpc => "in_vpc",
            Field::Tool => "tool",
        }
    }
}
