//! Parsing of the identifiers users paste: ARNs of roles, functions and KMS
//! keys, and secret names.

use crate::regions::Partition;

/// The six colon-separated parts of an ARN. The resource part may contain
/// further colons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

/// Splits an ARN into its parts, or returns `None` when the text is not one.
pub fn parse_arn(text: &str) -> Option<Arn<'_>> {
    let mut parts = text.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    Some(Arn {
        partition: parts.next()?,
        service: parts.next()?,
        region: parts.next()?,
        account: parts.next()?,
        resource: parts.next()?,
    })
}

/// Whether `text` is an AWS account ID: exactly 12 ASCII digits.
pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|byte| byte.is_ascii_digit())
}

/// Whether `text` is a KMS key id: a UUID, or `mrk-` plus 32 hex digits for a
/// multi-Region key.
pub fn is_kms_key_id(text: &str) -> bool {
    if let Some(hex) = text.strip_prefix("mrk-") {
        return hex.len() == 32 && hex.bytes().all(|byte| byte.is_ascii_hexdigit());
    }
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Kind of a pasted KMS key reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KmsKeyRef<'a> {
    /// A key ARN, the only form an IAM `Resource` accepts.
    KeyArn {
        partition: &'a str,
        region: &'a str,
        account: &'a str,
        key_id: &'a str,
    },
    /// `arn:aws:kms:us-east-1:111122223333:alias/name`.
    AliasArn,
    /// `alias/name`.
    AliasName,
    /// A key id without the ARN around it.
    BareKeyId,
    /// Anything else.
    Invalid,
}

/// Classifies a KMS key reference.
pub fn parse_kms_key(text: &str) -> KmsKeyRef<'_> {
    if text.starts_with("alias/") {
        return KmsKeyRef::AliasName;
    }
    if is_kms_key_id(text) {
        return KmsKeyRef::BareKeyId;
    }
    let Some(arn) = parse_arn(text) else {
        return KmsKeyRef::Invalid;
    };
    if arn.service != "kms" {
        return KmsKeyRef::Invalid;
    }
    if arn.resource.starts_with("alias/") {
        return KmsKeyRef::AliasArn;
    }
    match arn.resource.strip_prefix("key/") {
        Some(key_id)
            if is_kms_key_id(key_id)
                && Partition::parse(arn.partition).is_some()
                && is_account_id(arn.account)
                && !arn.region.is_empty() =>
        {
            KmsKeyRef::KeyArn {
                partition: arn.partition,
                region: arn.region,
                account: arn.account,
                key_id,
            }
        }
        _ => KmsKeyRef::Invalid,
    }
}

/// Whether `name` is a valid IAM role name: 1 to 64 characters of
/// `A-Za-z0-9+=,.@_-`.
pub fn is_role_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"+=,.@_-".contains(&byte))
}

/// A role given by name or by ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleRef<'a> {
    Name(&'a str),
    /// A role ARN; `name` is its last path segment, the only form that
    /// `aws iam put-role-policy --role-name` accepts.
    Arn {
        partition: &'a str,
        account: &'a str,
        name: &'a str,
    },
    Invalid,
}

/// Classifies a role reference, deriving the name from an ARN such as
/// `arn:aws:iam::111122223333:role/service-role/my-role`.
pub fn parse_role(text: &str) -> RoleRef<'_> {
    let Some(arn) = parse_arn(text) else {
        return if is_role_name(text) {
            RoleRef::Name(text)
        } else {
            RoleRef::Invalid
        };
    };
    let Some(path_and_name) = arn.resource.strip_prefix("role/") else {
        return RoleRef::Invalid;
    };
    let name = path_and_name.rsplit('/').next().unwrap_or_default();
    let valid = arn.service == "iam"
        && arn.region.is_empty()
        && Partition::parse(arn.partition).is_some()
        && is_account_id(arn.account)
        && is_role_name(name);
    if !valid {
        return RoleRef::Invalid;
    }
    RoleRef::Arn {
        partition: arn.partition,
        account: arn.account,
        name,
    }
}

/// Whether `name` is a valid Lambda function name: 1 to 64 characters of
/// letters, digits, `-` and `_`.
pub fn is_function_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
}

/// A function given by name or by ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FunctionRef<'a> {
    Name(&'a str),
    Arn {
        partition: &'a str,
        region: &'a str,
        account: &'a str,
        name: &'a str,
    },
    Invalid,
}

/// Classifies a function reference. An ARN may end in a version or alias
/// qualifier, which is dropped because configuration applies to the
/// unqualified function.
pub fn parse_function(text: &str) -> FunctionRef<'_> {
    let Some(arn) = parse_arn(text) else {
        return if is_function_name(text) {
            FunctionRef::Name(text)
        } else {
            FunctionRef::Invalid
        };
    };
    let Some(rest) = arn.resource.strip_prefix("function:") else {
        return FunctionRef::Invalid;
    };
    let name = rest.split(':').next().unwrap_or_default();
    let valid = arn.service == "lambda"
        && Partition::parse(arn.partition).is_some()
        && is_account_id(arn.account)
        && is_function_name(name);
    if !valid {
        return FunctionRef::Invalid;
    }
    FunctionRef::Arn {
        partition: arn.partition,
        region: arn.region,
        account: arn.account,
        name,
    }
}

/// Maximum length of a secret name.
pub const SECRET_NAME_MAX_LEN: usize = 512;

/// Whether a secret name character is allowed: ASCII letters, digits and
/// `/_+=.@-`.
pub fn is_secret_name_char(character: char) -> bool {
    character.is_ascii_alphanumeric() || "/_+=.@-".contains(character)
}

/// Whether a secret name ends in a hyphen and six characters, which Secrets
/// Manager could take for the random suffix of a partial ARN.
pub fn has_suffix_like_ending(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.len() >= 7 && bytes[bytes.len() - 7] == b'-'
}

/// IAM `Resource` pattern that matches the secret's ARN, whose last part is
/// the name plus a hyphen and six random characters.
pub fn secret_arn_pattern(partition: &str, region: &str, account: &str, name: &str) -> String {
    format!("arn:{partition}:secretsmanager:{region}:{account}:secret:{name}-??????")
}

/// Encodes a raw `id:api_key` pair into the base64 form that the APM Server
/// expects after `ApiKey ` in the `Authorization` header.
pub fn encode_api_key(raw: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = raw.as_bytes();
    let mut encoded = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let triple = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for index in 0..4 {
            if index <= chunk.len() {
                let sextet = (triple >> (18 - 6 * index)) & 0x3f;
                encoded.push(char::from(ALPHABET[sextet as usize]));
            } else {
                encoded.push('=');
            }
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_name_from_arn_with_path() {
        let role = parse_role("arn:aws:iam::111122223333:role/service-role/my-role");
        assert_eq!(
            role,
            RoleRef::Arn {
                partition: "aws",
                account: "111122223333",
                name: "my-role"
            }
        );
    }

    #[test]
    fn role_name_plain() {
        assert_eq!(parse_role("lambda-exec"), RoleRef::Name("lambda-exec"));
        assert_eq!(parse_role("has space"), RoleRef::Invalid);
        assert_eq!(parse_role(&"r".repeat(65)), RoleRef::Invalid);
    }

    #[test]
    fn role_arn_of_user_is_invalid() {
        assert_eq!(
            parse_role("arn:aws:iam::111122223333:user/alice"),
            RoleRef::Invalid
        );
        assert_eq!(
            parse_role("arn:aws:iam:us-east-1:111122223333:role/x"),
            RoleRef::Invalid
        );
    }

    #[test]
    fn kms_key_arn_versus_alias() {
        let key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        assert!(matches!(
            parse_kms_key(key),
            KmsKeyRef::KeyArn {
                region: "us-east-1",
                ..
            }
        ));
        let mrk = "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab";
        assert!(matches!(parse_kms_key(mrk), KmsKeyRef::KeyArn { .. }));
        assert_eq!(
            parse_kms_key("arn:aws:kms:us-east-1:111122223333:alias/apm"),
            KmsKeyRef::AliasArn
        );
        assert_eq!(parse_kms_key("alias/apm"), KmsKeyRef::AliasName);
        assert_eq!(
            parse_kms_key("1234abcd-12ab-34cd-56ef-1234567890ab"),
            KmsKeyRef::BareKeyId
        );
        assert_eq!(
            parse_kms_key("arn:aws:kms:us-east-1:111122223333:key/not-a-key"),
            KmsKeyRef::Invalid
        );
        assert_eq!(parse_kms_key("arn:aws:s3:::bucket"), KmsKeyRef::Invalid);
    }

    #[test]
    fn function_arn_drops_qualifier() {
        let function = parse_function("arn:aws:lambda:eu-west-1:111122223333:function:orders:live");
        assert_eq!(
            function,
            FunctionRef::Arn {
                partition: "aws",
                region: "eu-west-1",
                account: "111122223333",
                name: "orders"
            }
        );
        assert_eq!(parse_function("orders_v2"), FunctionRef::Name("orders_v2"));
        assert_eq!(parse_function("orders.v2"), FunctionRef::Invalid);
    }

    #[test]
    fn secret_arn_pattern_has_six_wildcards() {
        let pattern = secret_arn_pattern("aws-cn", "cn-north-1", "111122223333", "apm/token");
        assert_eq!(
            pattern,
            "arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:apm/token-??????"
        );
        assert!(pattern.ends_with("-??????"));
        assert!(!pattern.contains('*'));
    }

    #[test]
    fn suffix_like_ending() {
        assert!(has_suffix_like_ending("apm-abcdef"));
        assert!(has_suffix_like_ending("lambda-secret"));
        assert!(!has_suffix_like_ending("apm-token"));
        assert!(!has_suffix_like_ending("apm-credential"));
    }

    #[test]
    fn api_key_encoding_matches_base64() {
        assert_eq!(encode_api_key(""), "");
        assert_eq!(encode_api_key("f"), "Zg==");
        assert_eq!(encode_api_key("fo"), "Zm8=");
        assert_eq!(encode_api_key("foo"), "Zm9v");
        assert_eq!(
            encode_api_key("VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw"),
            "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="
        );
    }

    #[test]
    fn account_id_is_twelve_digits() {
        assert!(is_account_id("111122223333"));
        assert!(!is_account_id("11112222333"));
        assert!(!is_account_id("11112222333a"));
        assert!(!is_account_id("1111 2222 3333"));
    }
}
