//! Derived values of a state, computed once, and the checks that find
//! problems in it.

use std::collections::BTreeSet;

use crate::arn::{
    FunctionRef, KmsKeyRef, RoleRef, SECRET_NAME_MAX_LEN, has_suffix_like_ending, is_account_id,
    is_secret_name_char, parse_function, parse_kms_key, parse_role, secret_arn_pattern,
};
use crate::checks::{Check, CheckId, Severity};
use crate::regions::{Partition, Region, find_region};
use crate::state::{Auth, Field, Kms, State, Tool};

/// Placeholders written where the user has not answered yet. They are
/// valid in every target language, and the UI highlights them.
pub mod placeholder {
    pub const ACCOUNT_ID: &str = "<account-id>";
    pub const FUNCTION_NAME: &str = "<function-name>";
    pub const ROLE_NAME: &str = "<role-name>";
    pub const KMS_KEY_ARN: &str = "<kms-key-arn>";
    pub const APM_SERVER_URL: &str = "<apm-server-url>";
    pub const SECRET_NAME: &str = "<secret-name>";
    pub const REGION: &str = "<region>";
}

/// A state with every derived value worked out and checked.
#[derive(Debug, Clone)]
pub struct Context {
    pub state: State,
    pub checks: Vec<Check>,
    error_fields: BTreeSet<Field>,
    /// The region when it is known.
    pub region: Option<&'static Region>,
    pub partition: Partition,
    /// The secret name, or a placeholder when it is invalid.
    pub secret_name: String,
    /// Valid account ID, from the account field or a pasted ARN.
    pub account_id: Option<String>,
    /// Function name, derived from an ARN when one was pasted.
    pub function_name: Option<String>,
    /// Role name, derived from an ARN when one was pasted.
    pub role_name: Option<String>,
    /// Whether the role was given as an ARN of another account.
    pub role_arn: Option<String>,
    /// Key ARN of a valid customer-managed key.
    pub kms_key_arn: Option<String>,
    pub apm_server_url: Option<String>,
}

impl Context {
    /// Derives every value of `state` and runs every check on it.
    pub fn new(state: State) -> Context {
        let state = state.normalized();
        let region = find_region(&state.region);
        let partition = region
            .map(|region| region.partition)
            .unwrap_or_else(|| guess_partition(&state.region));
        let mut context = Context {
            secret_name: state.secret_name.clone(),
            state,
            checks: Vec::new(),
            error_fields: BTreeSet::new(),
            region,
            partition,
            account_id: None,
            function_name: None,
            role_name: None,
            role_arn: None,
            kms_key_arn: None,
            apm_server_url: None,
        };
        context.check_secret_name();
        context.check_region();
        context.check_account();
        context.check_function();
        context.check_role();
        context.check_kms_key();
        context.check_key_value();
        context.check_apm_server_url();
        context.check_tool_specific();
        context.error_fields = context
            .checks
            .iter()
            .filter(|check| check.severity == Severity::Error)
            .map(|check| check.field)
            .collect();
        if context.has_error(Field::SecretName) {
            context.secret_name = placeholder::SECRET_NAME.to_owned();
        }
        context
    }

    fn push(&mut self, id: CheckId, message: String) {
        self.checks.push(Check::new(id, message));
    }

    /// Whether a check of error severity concerns `field`.
    pub fn has_error(&self, field: Field) -> bool {
        self.error_fields.contains(&field)
    }

    /// The first field of `fields` that has an error, if any.
    pub fn first_error(&self, fields: &[Field]) -> Option<Field> {
        fields.iter().copied().find(|field| self.has_error(*field))
    }

    pub fn has_errors(&self) -> bool {
        !self.error_fields.is_empty()
    }

    pub fn auth(&self) -> Auth {
        self.state.auth
    }

    /// Region code as given; a placeholder when it is unknown.
    pub fn region_code(&self) -> &str {
        match self.region {
            Some(region) => region.code,
            None => placeholder::REGION,
        }
    }

    pub fn account_or_placeholder(&self) -> &str {
        self.account_id
            .as_deref()
            .unwrap_or(placeholder::ACCOUNT_ID)
    }

    pub fn function_or_placeholder(&self) -> &str {
        self.function_name
            .as_deref()
            .unwrap_or(placeholder::FUNCTION_NAME)
    }

    pub fn role_or_placeholder(&self) -> &str {
        self.role_name.as_deref().unwrap_or(placeholder::ROLE_NAME)
    }

    pub fn apm_url_or_placeholder(&self) -> &str {
        self.apm_server_url
            .as_deref()
            .unwrap_or(placeholder::APM_SERVER_URL)
    }

    /// Whether the secret is encrypted with a customer-managed key.
    pub fn customer_key(&self) -> bool {
        self.state.kms == Kms::CustomerManaged
    }

    /// Key ARN for a customer-managed key, or its placeholder.
    pub fn kms_key_or_placeholder(&self) -> &str {
        self.kms_key_arn
            .as_deref()
            .unwrap_or(placeholder::KMS_KEY_ARN)
    }

    /// The key value when the user chose to embed it in snippets.
    pub fn embedded_key(&self) -> Option<&str> {
        if self.state.embed_key {
            self.state.key_value.as_deref()
        } else {
            None
        }
    }

    /// Whether `text` contains the embedded key, verbatim or in the shell or
    /// JSON quoted form that snippets use. Always false when nothing is
    /// embedded.
    pub fn contains_embedded_key(&self, text: &str) -> bool {
        self.embedded_key().is_some_and(|key| {
            !key.is_empty()
                && (text.contains(key)
                    || text.contains(&crate::quote::shell(key))
                    || text.contains(&crate::quote::json(key)))
        })
    }

    /// IAM `Resource` pattern for the secret, with placeholders where the
    /// account or region is unknown.
    pub fn secret_arn_pattern(&self) -> String {
        secret_arn_pattern(
            self.partition.id(),
            self.region_code(),
            self.account_or_placeholder(),
            &self.secret_name,
        )
    }

    /// Value of `kms:ViaService` that limits decryption to Secrets Manager.
    pub fn kms_via_service(&self) -> String {
        format!(
            "secretsmanager.{}.{}",
            self.region_code(),
            self.partition.dns_suffix()
        )
    }

    /// Every placeholder that replaces a missing or invalid value.
    pub fn placeholders(&self) -> Vec<&'static str> {
        let mut list = Vec::new();
        if self.region.is_none() {
            list.push(placeholder::REGION);
        }
        if self.has_error(Field::SecretName) {
            list.push(placeholder::SECRET_NAME);
        }
        if self.account_id.is_none() {
            list.push(placeholder::ACCOUNT_ID);
        }
        if self.function_name.is_none() {
            list.push(placeholder::FUNCTION_NAME);
        }
        if self.role_name.is_none() {
            list.push(placeholder::ROLE_NAME);
        }
        if self.customer_key() && self.kms_key_arn.is_none() {
            list.push(placeholder::KMS_KEY_ARN);
        }
        if self.apm_server_url.is_none() {
            list.push(placeholder::APM_SERVER_URL);
        }
        list
    }

    fn check_secret_name(&mut self) {
        let name = self.state.secret_name.clone();
        if name.is_empty() {
            self.push(
                CheckId::SecretNameEmpty,
                "The secret name is empty. Enter a name such as `elastic-apm/lambda-credential`."
                    .to_owned(),
            );
            return;
        }
        let length = name.chars().count();
        if length > SECRET_NAME_MAX_LEN {
            self.push(
                CheckId::SecretNameTooLong,
                format!(
                    "The secret name is {length} characters long; Secrets Manager accepts at most {SECRET_NAME_MAX_LEN}. Shorten it."
                ),
            );
        }
        let invalid: Vec<String> = name
            .chars()
            .filter(|character| !is_secret_name_char(*character))
            .map(describe_char)
            .fold(Vec::new(), |mut unique, text| {
                if !unique.contains(&text) {
                    unique.push(text);
                }
                unique
            });
        if !invalid.is_empty() {
            self.push(
                CheckId::SecretNameInvalidCharacter,
                format!(
                    "The secret name `{name}` contains characters that Secrets Manager rejects: {}. Use only ASCII letters, digits and `/_+=.@-`.",
                    invalid.join(", ")
                ),
            );
        } else if has_suffix_like_ending(&name) {
            let ending = &name[name.len() - 7..];
            self.push(
                CheckId::SecretNameSuffixLike,
                format!(
                    "The secret name `{name}` ends in `{ending}`, a hyphen and six characters, which Secrets Manager can mistake for the random suffix of an ARN when it looks a secret up by a partial ARN. Lookups by the full name still work; to avoid the ambiguity, change the ending."
                ),
            );
        }
    }

    fn check_region(&mut self) {
        if self.region.is_none() {
            let region = self.state.region.clone();
            self.push(
                CheckId::RegionUnknown,
                format!(
                    "The region `{region}` is not a known AWS region. Choose one from the list, such as `us-east-1`; the secret must be in the function's region."
                ),
            );
        }
    }

    fn check_account(&mut self) {
        let Some(account) = self.state.account_id.clone() else {
            return;
        };
        if is_account_id(&account) {
            self.account_id = Some(account);
        } else {
            self.push(
                CheckId::AccountIdInvalid,
                format!(
                    "The account ID `{account}` is not 12 digits. Copy the 12-digit number from the account menu of the AWS console, without spaces or hyphens."
                ),
            );
        }
    }

    /// Checks a partition and account pasted inside an ARN against the region
    /// and account fields.
    fn check_arn_scope(
        &mut self,
        arn_partition: &str,
        arn_account: &str,
        subject: &str,
        mismatch: CheckId,
        other_account: CheckId,
    ) {
        if self.region.is_some() && arn_partition != self.partition.id() {
            self.push(
                mismatch,
                format!(
                    "The {subject} is in partition `{arn_partition}`, but region `{}` is in partition `{}`. Use an ARN from the function's partition, or pick the right region.",
                    self.region_code(),
                    self.partition.id()
                ),
            );
        }
        match self.state.account_id.as_deref() {
            Some(account) if is_account_id(account) && account != arn_account => {
                self.push(
                    other_account,
                    format!(
                        "The {subject} belongs to account `{arn_account}`, not to account `{account}` given above. Check that this is intended: cross-account access needs a resource policy on the other side too."
                    ),
                );
            }
            None => self.account_id = Some(arn_account.to_owned()),
            _ => {}
        }
    }

    fn check_function(&mut self) {
        let Some(text) = self.state.function_name.clone() else {
            return;
        };
        match parse_function(&text) {
            FunctionRef::Name(name) => self.function_name = Some(name.to_owned()),
            FunctionRef::Arn {
                partition,
                region,
                account,
                name,
            } => {
                self.function_name = Some(name.to_owned());
                if self.region.is_some() && region != self.region_code() {
                    self.push(
                        CheckId::FunctionOtherRegion,
                        format!(
                            "The function ARN is in region `{region}`, but the region field is `{}`. The extension reads the secret in the function's own region: set the region to `{region}`.",
                            self.region_code()
                        ),
                    );
                }
                self.check_arn_scope(
                    partition,
                    account,
                    "function ARN",
                    CheckId::FunctionPartitionMismatch,
                    CheckId::FunctionOtherAccount,
                );
            }
            FunctionRef::Invalid => self.push(
                CheckId::FunctionNameInvalid,
                format!(
                    "The function name `{text}` is invalid. Use the function's name (1 to 64 letters, digits, `-` or `_`) or its full ARN."
                ),
            ),
        }
    }

    fn check_role(&mut self) {
        let Some(text) = self.state.role.clone() else {
            return;
        };
        match parse_role(&text) {
            RoleRef::Name(name) => self.role_name = Some(name.to_owned()),
            RoleRef::Arn {
                partition,
                account,
                name,
            } => {
                self.role_name = Some(name.to_owned());
                self.role_arn = Some(text.clone());
                self.push(
                    CheckId::RoleArnPasted,
                    format!(
                        "The role was given as an ARN; the commands use its name `{name}`, because `aws iam put-role-policy --role-name` accepts only a name."
                    ),
                );
                self.check_arn_scope(
                    partition,
                    account,
                    "role ARN",
                    CheckId::RolePartitionMismatch,
                    CheckId::RoleOtherAccount,
                );
            }
            RoleRef::Invalid => self.push(
                CheckId::RoleInvalid,
                format!(
                    "The role `{text}` is neither a role name (1 to 64 characters of letters, digits and `+=,.@_-`) nor a role ARN such as `arn:aws:iam::111122223333:role/my-role`. Copy it from the function's Configuration > Permissions page."
                ),
            ),
        }
    }

    fn check_kms_key(&mut self) {
        if !self.customer_key() {
            return;
        }
        let Some(text) = self.state.kms_key_arn.clone() else {
            self.push(
                CheckId::KmsKeyMissing,
                "No KMS key ARN is given for the customer-managed key, so the outputs show a placeholder. Paste the key ARN, `arn:aws:kms:REGION:ACCOUNT:key/KEY-ID`, from the key's page in the KMS console."
                    .to_owned(),
            );
            return;
        };
        let explanation = "An IAM policy `Resource` and `kms:Decrypt` need the key ARN, `arn:aws:kms:REGION:ACCOUNT:key/KEY-ID`: copy it from the key's page in the KMS console.";
        match parse_kms_key(&text) {
            KmsKeyRef::AliasName => self.push(
                CheckId::KmsKeyAlias,
                format!("`{text}` is an alias name, which IAM does not match against the key. {explanation}"),
            ),
            KmsKeyRef::AliasArn => self.push(
                CheckId::KmsKeyAlias,
                format!("`{text}` is an alias ARN, which IAM does not match against the key. {explanation}"),
            ),
            KmsKeyRef::BareKeyId => self.push(
                CheckId::KmsKeyBareId,
                format!("`{text}` is a bare key id without region and account. {explanation}"),
            ),
            KmsKeyRef::Invalid => self.push(
                CheckId::KmsKeyInvalid,
                format!("`{text}` is not a KMS key ARN. {explanation}"),
            ),
            KmsKeyRef::KeyArn {
                partition,
                region,
                account,
                ..
            } => {
                let region = region.to_owned();
                let (partition, account) = (partition.to_owned(), account.to_owned());
                if self.region.is_some() && region != self.region_code() {
                    self.push(
                        CheckId::KmsKeyOtherRegion,
                        format!(
                            "The KMS key is in region `{region}`, but the secret will be in `{}`. Secrets Manager needs a key in the secret's own region: create or replicate the key there.",
                            self.region_code()
                        ),
                    );
                }
                let account_before = self.account_id.clone();
                self.check_arn_scope(
                    &partition,
                    &account,
                    "KMS key",
                    CheckId::KmsKeyPartitionMismatch,
                    CheckId::KmsKeyOtherAccount,
                );
                // The key's account does not say where the function runs.
                self.account_id = account_before;
                if let Some(function_account) = self.account_id.clone()
                    && function_account != account
                    && self.state.account_id.is_none()
                {
                    self.push(
                        CheckId::KmsKeyOtherAccount,
                        format!(
                            "The KMS key belongs to account `{account}`, but the function's ARN names account `{function_account}`. The key policy in account `{account}` must allow the execution role to use the key."
                        ),
                    );
                }
                self.kms_key_arn = Some(text);
            }
        }
    }

    fn check_key_value(&mut self) {
        let Some(key) = self.state.key_value.clone() else {
            if self.state.embed_key {
                self.push(
                    CheckId::EmbedKeyWithoutValue,
                    "Embedding the key is on, but no key value is entered, so the outputs read it safely instead. Enter the value, or turn embedding off."
                        .to_owned(),
                );
            }
            return;
        };
        let label = self.auth().label();
        if key.contains(['\n', '\r']) {
            self.push(
                CheckId::KeyValueWhitespace,
                format!(
                    "The {label} contains a line break. The extension sends the stored value exactly as it is, so authentication would fail: remove the line break."
                ),
            );
        } else if key.trim() != key {
            self.push(
                CheckId::KeyValueWhitespace,
                format!(
                    "The {label} starts or ends with whitespace. The extension sends the stored value exactly as it is, so authentication would fail: remove the spaces."
                ),
            );
        }
        let trimmed = key.trim();
        if trimmed.starts_with('{') && trimmed.ends_with('}') {
            self.push(
                CheckId::KeyValueJson,
                format!(
                    "The {label} looks like JSON. The extension does not parse the secret: it would send the whole JSON text. Store only the bare value, as a plaintext secret."
                ),
            );
        }
        for prefix in ["ApiKey ", "Bearer "] {
            if trimmed.starts_with(prefix) {
                self.push(
                    CheckId::KeyValueHeaderPrefix,
                    format!(
                        "The {label} starts with `{prefix}`, which the extension adds itself. Store the value without that prefix."
                    ),
                );
            }
        }
        if self.auth() == Auth::ApiKey && key.contains(':') && !trimmed.starts_with('{') {
            self.push(
                CheckId::KeyValueRawApiKey,
                "The API key is in the raw `id:api_key` form. The extension sends the stored value after `ApiKey ` in the header, which needs the base64 encoding of `id:api_key`: convert it before storing."
                    .to_owned(),
            );
        }
        if key.starts_with('-') {
            let handling = if self.embedded_key().is_some() {
                "the commands pass it as `--secret-string=VALUE`, so that the AWS CLI does not read it as an option"
            } else {
                "the commands read it from a file, so that the AWS CLI does not read it as an option"
            };
            self.push(
                CheckId::KeyValueLeadingDash,
                format!("The {label} starts with `-`: {handling}. Nothing to change."),
            );
        }
    }

    fn check_apm_server_url(&mut self) {
        let Some(url) = self.state.apm_server_url.clone() else {
            self.push(
                CheckId::ApmServerUrlMissing,
                "No APM server URL is given. The extension needs `ELASTIC_APM_LAMBDA_APM_SERVER`: enter the APM endpoint from Kibana's APM integration page if the function does not set it already."
                    .to_owned(),
            );
            return;
        };
        let Some((scheme, rest)) = url.split_once("://") else {
            self.push(
                CheckId::ApmServerUrlInvalid,
                format!(
                    "The APM server URL `{url}` has no scheme. Enter the full URL, such as `https://my-deployment.apm.us-east-1.aws.cloud.es.io:443`."
                ),
            );
            return;
        };
        let host_and_port = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host_valid = !host_and_port.is_empty()
            && !url.contains(char::is_whitespace)
            && host_and_port
                .chars()
                .all(|character| character.is_ascii_alphanumeric() || ".-:[]".contains(character));
        if !matches!(scheme, "http" | "https") || !host_valid {
            self.push(
                CheckId::ApmServerUrlInvalid,
                format!(
                    "The APM server URL `{url}` is not a valid http or https URL. Enter the full URL, such as `https://my-deployment.apm.us-east-1.aws.cloud.es.io:443`."
                ),
            );
            return;
        }
        if scheme == "http" {
            self.push(
                CheckId::ApmServerUrlNotHttps,
                format!(
                    "The APM server URL `{url}` uses plain http, so the {} would cross the network unencrypted. Use the https endpoint.",
                    self.auth().label()
                ),
            );
        }
        let host = host_and_port
            .rsplit_once(':')
            .map_or(host_and_port, |(host, _)| host);
        if is_elasticsearch_or_kibana_host(host) || host_and_port.ends_with(":9200") {
            self.push(
                CheckId::ApmServerUrlElasticsearch,
                format!(
                    "The URL `{url}` looks like an Elasticsearch or Kibana endpoint, not the APM endpoint. Copy the APM endpoint from Kibana's APM integration page (its host usually contains `.apm.`)."
                ),
            );
        }
        self.apm_server_url = Some(url);
    }

    fn check_tool_specific(&mut self) {
        if self.state.tool == Tool::Sam && self.state.role.is_some() {
            self.push(
                CheckId::SamRoleIgnoresPolicies,
                "An existing execution role is given. A SAM function that sets `Role` ignores its `Policies`, so the SAM steps attach the statements to that role with an `AWS::IAM::RolePolicy` resource instead."
                    .to_owned(),
            );
        }
        if self.state.tool == Tool::Serverless && self.role_arn.is_some() {
            self.push(
                CheckId::ServerlessCustomRole,
                "The role is given as an ARN. When `provider.iam.role` is an existing role ARN, the Serverless Framework applies no `statements`, so attach the policy to that role with the AWS CLI step instead."
                    .to_owned(),
            );
        }
        if self.state.in_vpc {
            self.push(
                CheckId::InVpcNeedsEndpoint,
                "The function runs in a VPC. Unless its subnets have a NAT gateway or a Secrets Manager VPC interface endpoint, the extension's lookup hangs until the 10-second init phase times out: add one of the two."
                    .to_owned(),
            );
        }
    }
}

/// Whether an Elastic Cloud host names the Elasticsearch (`.es.`) or Kibana
/// (`.kb.`) endpoint of a deployment rather than its APM (`.apm.`) endpoint.
/// The domain's own `es.io` ending does not count.
fn is_elasticsearch_or_kibana_host(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    let service_labels = &labels[..labels.len().saturating_sub(2)];
    !service_labels.contains(&"apm")
        && service_labels
            .iter()
            .any(|label| *label == "es" || *label == "kb")
}

/// Partition of a region code that is not in the list, from its prefix.
fn guess_partition(code: &str) -> Partition {
    if code.starts_with("cn-") {
        Partition::AwsCn
    } else if code.starts_with("us-gov-") {
        Partition::AwsUsGov
    } else {
        Partition::Aws
    }
}

/// Describes a rejected character for a message, naming invisible ones.
fn describe_char(character: char) -> String {
    match character {
        ' ' => "a space".to_owned(),
        '\t' => "a tab".to_owned(),
        '\n' | '\r' => "a line break".to_owned(),
        '`' => "a backtick".to_owned(),
        other if other.is_control() => format!("the control character U+{:04X}", other as u32),
        other => format!("`{other}`"),
    }
}
