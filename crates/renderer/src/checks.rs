//! Checks of the wizard state. Each check is data: a stable id, a severity,
//! the field it concerns and a message that names the problem and the fix.

use serde::Serialize;

use crate::state::Field;

/// Effect of a check on the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Blocks the outputs that depend on the field; everything else renders.
    Error,
    /// Explains a risk; all outputs still render.
    Warning,
}

/// Every check the wizard makes, one variant each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckId {
    SecretNameEmpty,
    SecretNameTooLong,
    SecretNameInvalidCharacter,
    SecretNameSuffixLike,
    AccountIdInvalid,
    RegionUnknown,
    KmsKeyMissing,
    KmsKeyAlias,
    KmsKeyBareId,
    KmsKeyInvalid,
    KmsKeyPartitionMismatch,
    KmsKeyOtherRegion,
    KmsKeyOtherAccount,
    RoleInvalid,
    RoleArnPasted,
    RolePartitionMismatch,
    RoleOtherAccount,
    FunctionNameInvalid,
    FunctionPartitionMismatch,
    FunctionOtherRegion,
    FunctionOtherAccount,
    KeyValueWhitespace,
    KeyValueJson,
    KeyValueRawApiKey,
    KeyValueHeaderPrefix,
    KeyValueLeadingDash,
    EmbedKeyWithoutValue,
    ApmServerUrlMissing,
    ApmServerUrlInvalid,
    ApmServerUrlNotHttps,
    ApmServerUrlElasticsearch,
    SamRoleIgnoresPolicies,
    ServerlessCustomRole,
    InVpcNeedsEndpoint,
}

impl CheckId {
    /// Stable identifier, such as `secret_name.invalid_character`.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::SecretNameEmpty => "secret_name.empty",
            CheckId::SecretNameTooLong => "secret_name.too_long",
            CheckId::SecretNameInvalidCharacter => "secret_name.invalid_character",
            CheckId::SecretNameSuffixLike => "secret_name.suffix_like",
            CheckId::AccountIdInvalid => "account_id.invalid",
            CheckId::RegionUnknown => "region.unknown",
            CheckId::KmsKeyMissing => "kms_key_arn.missing",
            CheckId::KmsKeyAlias => "kms_key_arn.alias",
            CheckId::KmsKeyBareId => "kms_key_arn.bare_key_id",
            CheckId::KmsKeyInvalid => "kms_key_arn.invalid",
            CheckId::KmsKeyPartitionMismatch => "kms_key_arn.partition_mismatch",
            CheckId::KmsKeyOtherRegion => "kms_key_arn.other_region",
            CheckId::KmsKeyOtherAccount => "kms_key_arn.other_account",
            CheckId::RoleInvalid => "role.invalid",
            CheckId::RoleArnPasted => "role.arn_pasted",
            CheckId::RolePartitionMismatch => "role.partition_mismatch",
            CheckId::RoleOtherAccount => "role.other_account",
            CheckId::FunctionNameInvalid => "function_name.invalid",
            CheckId::FunctionPartitionMismatch => "function_name.partition_mismatch",
            CheckId::FunctionOtherRegion => "function_name.other_region",
            CheckId::FunctionOtherAccount => "function_name.other_account",
            CheckId::KeyValueWhitespace => "key_value.whitespace",
            CheckId::KeyValueJson => "key_value.json",
            CheckId::KeyValueRawApiKey => "key_value.raw_api_key",
            CheckId::KeyValueHeaderPrefix => "key_value.header_prefix",
            CheckId::KeyValueLeadingDash => "key_value.leading_dash",
            CheckId::EmbedKeyWithoutValue => "embed_key.without_value",
            CheckId::ApmServerUrlMissing => "apm_server_url.missing",
            CheckId::ApmServerUrlInvalid => "apm_server_url.invalid",
            CheckId::ApmServerUrlNotHttps => "apm_server_url.not_https",
            CheckId::ApmServerUrlElasticsearch => "apm_server_url.elasticsearch",
            CheckId::SamRoleIgnoresPolicies => "role.sam_policies_ignored",
            CheckId::ServerlessCustomRole => "role.serverless_custom_role",
            CheckId::InVpcNeedsEndpoint => "in_vpc.needs_endpoint",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            CheckId::SecretNameEmpty
            | CheckId::SecretNameTooLong
            | CheckId::SecretNameInvalidCharacter
            | CheckId::AccountIdInvalid
            | CheckId::RegionUnknown
            | CheckId::KmsKeyAlias
            | CheckId::KmsKeyBareId
            | CheckId::KmsKeyInvalid
            | CheckId::KmsKeyPartitionMismatch
            | CheckId::KmsKeyOtherRegion
            | CheckId::RoleInvalid
            | CheckId::RolePartitionMismatch
            | CheckId::FunctionNameInvalid
            | CheckId::FunctionPartitionMismatch
            | CheckId::FunctionOtherRegion
            | CheckId::ApmServerUrlInvalid => Severity::Error,
            _ => Severity::Warning,
        }
    }

    /// The field the check concerns, named as in the JSON state.
    pub fn field(self) -> Field {
        match self {
            CheckId::SecretNameEmpty
            | CheckId::SecretNameTooLong
            | CheckId::SecretNameInvalidCharacter
            | CheckId::SecretNameSuffixLike => Field::SecretName,
            CheckId::AccountIdInvalid => Field::AccountId,
            CheckId::RegionUnknown => Field::Region,
            CheckId::KmsKeyMissing
            | CheckId::KmsKeyAlias
            | CheckId::KmsKeyBareId
            | CheckId::KmsKeyInvalid
            | CheckId::KmsKeyPartitionMismatch
            | CheckId::KmsKeyOtherRegion
            | CheckId::KmsKeyOtherAccount => Field::KmsKeyArn,
            CheckId::RoleInvalid
            | CheckId::RoleArnPasted
            | CheckId::RolePartitionMismatch
            | CheckId::RoleOtherAccount
            | CheckId::SamRoleIgnoresPolicies
            | CheckId::ServerlessCustomRole => Field::Role,
            CheckId::FunctionNameInvalid
            | CheckId::FunctionPartitionMismatch
            | CheckId::FunctionOtherRegion
            | CheckId::FunctionOtherAccount => Field::FunctionName,
            CheckId::KeyValueWhitespace
            | CheckId::KeyValueJson
            | CheckId::KeyValueRawApiKey
            | CheckId::KeyValueHeaderPrefix
            | CheckId::KeyValueLeadingDash => Field::KeyValue,
            CheckId::EmbedKeyWithoutValue => Field::EmbedKey,
            CheckId::ApmServerUrlMissing
            | CheckId::ApmServerUrlInvalid
            | CheckId::ApmServerUrlNotHttps
            | CheckId::ApmServerUrlElasticsearch => Field::ApmServerUrl,
            CheckId::InVpcNeedsEndpoint => Field::InVpc,
        }
    }
}

impl Serialize for CheckId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One finding about the state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub id: CheckId,
    pub severity: Severity,
    pub field: Field,
    pub message: String,
}

impl Check {
    pub fn new(id: CheckId, message: String) -> Check {
        Check {
            id,
            severity: id.severity(),
            field: id.field(),
            message,
        }
    }
}
