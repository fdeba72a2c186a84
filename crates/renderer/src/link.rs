//! Shareable links: every answer of a [`State`] except the key, written as
//! a URL fragment such as `auth=api_key&region=eu-west-1&tool=terraform`.
//!
//! Only answers that differ from [`State::default`] are written, so a link
//! stays short and an empty fragment means the defaults. Reading a link
//! never fails: each part that cannot be used is skipped with a
//! [`Notice`], and the other parts still apply.

use std::fmt;

use crate::state::{Auth, Field, Kms, State, Tool};

/// Every field a link may carry, in the order [`encode`] writes them.
/// `key_value` is absent on purpose: links never carry the key.
const LINK_FIELDS: [Field; 12] = [
    Field::Auth,
    Field::SecretName,
    Field::EmbedKey,
    Field::Kms,
    Field::KmsKeyArn,
    Field::Region,
    Field::AccountId,
    Field::FunctionName,
    Field::Role,
    Field::ApmServerUrl,
    Field::InVpc,
    Field::Tool,
];

/// Maximum length, in characters, of the user text that a notice quotes.
/// The rest is cut off, so that a pasted oversized link cannot flood the page.
const NOTICE_QUOTE_MAX_CHARS: usize = 80;

/// The result of reading a link: the state it describes and what was
/// skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The state, with defaults for every field the link does not set. Its
    /// `key_value` is always `None`.
    pub state: State,
    /// One notice per skipped part, in the order of the link.
    pub notices: Vec<Notice>,
}

/// A part of a link that [`decode`] skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A part without `=`, so it has no value.
    Malformed { part: String },
    /// A value whose percent-encoding is broken or does not decode to UTF-8.
    InvalidEncoding { name: String },
    /// A name that is not a field of the wizard.
    UnknownField { name: String },
    /// A `key_value` part: links never carry the key, so it is not read.
    KeyIgnored,
    /// A field that occurs again after its first occurrence, which is used.
    Duplicate { field: Field },
    /// A value outside the accepted set of a choice or checkbox.
    InvalidValue {
        field: Field,
        value: String,
        expected: &'static str,
    },
}

impl fmt::Display for Notice {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Notice::Malformed { part } => write!(
                formatter,
                "Ignored `{}` in the link: a part must have the form `name=value`.",
                shorten(part)
            ),
            Notice::InvalidEncoding { name } => write!(
                formatter,
                "Ignored `{}` in the link: its value has invalid percent-encoding or is not UTF-8 text.",
                shorten(name)
            ),
            Notice::UnknownField { name } => write!(
                formatter,
                "Ignored `{}` in the link: the wizard has no question of that name. Known names: {}.",
                shorten(name),
                LINK_FIELDS
                    .map(|field| format!("`{}`", field.as_str()))
                    .join(", ")
            ),
            Notice::KeyIgnored => write!(
                formatter,
                "Ignored `key_value` in the link: links never carry the key. Enter it in the key field instead."
            ),
            Notice::Duplicate { field } => write!(
                formatter,
                "Ignored a repeated `{}` in the link: its first value is used.",
                field.as_str()
            ),
            Notice::InvalidValue {
                field,
                value,
                expected,
            } => write!(
                formatter,
                "Ignored `{}` in the link: `{}` is not a valid value. Expected {expected}.",
                field.as_str(),
                shorten(value)
            ),
        }
    }
}

/// Cuts `text` to [`NOTICE_QUOTE_MAX_CHARS`] characters, marking the cut.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(NOTICE_QUOTE_MAX_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// Writes every answer of `state` that differs from the default, except the
/// key, as a URL fragment without the leading `#`.
pub fn encode(state: &State) -> String {
    let default = State::default();
    let mut parts = Vec::new();

    for field in LINK_FIELDS {
        let value = field_value(state, field);
        if value != field_value(&default, field) {
            let text = value.unwrap_or_default();
            parts.push(format!("{}={}", field.as_str(), percent_encode(&text)));
        }
    }

    parts.join("&")
}

/// Returns a field's value as link text, or `None` for an unanswered
/// optional field.
fn field_value(state: &State, field: Field) -> Option<String> {
    let flag = |value: bool| Some(if value { "1" } else { "0" }.to_owned());
    match field {
        Field::Auth => Some(state.auth.as_str().to_owned()),
        Field::SecretName => Some(state.secret_name.clone()),
        // The key is never written; `LINK_FIELDS` leaves it out too.
        Field::KeyValue => None,
        Field::EmbedKey => flag(state.embed_key),
        Field::Kms => Some(state.kms.as_str().to_owned()),
        Field::KmsKeyArn => state.kms_key_arn.clone(),
        Field::Region => Some(state.region.clone()),
        Field::AccountId => state.account_id.clone(),
        Field::FunctionName => state.function_name.clone(),
        Field::Role => state.role.clone(),
        Field::ApmServerUrl => state.apm_server_url.clone(),
        Field::InVpc => flag(state.in_vpc),
        Field::Tool => Some(state.tool.as_str().to_owned()),
    }
}

/// Reads a URL fragment written by [`encode`], with or without the leading
/// `#`. Fields the link does not set keep their defaults.
pub fn decode(fragment: &str) -> Decoded {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let mut state = State::default();
    let mut notices = Vec::new();
    let mut seen = Vec::new();

    // Empty parts come from a trailing or doubled `&`, which are harmless.
    for part in fragment.split('&').filter(|part| !part.is_empty()) {
        let Some((name, raw_value)) = part.split_once('=') else {
            notices.push(Notice::Malformed {
                part: part.to_owned(),
            });
            continue;
        };

        let Some(field) = LINK_FIELDS.into_iter().find(|field| field.as_str() == name) else {
            notices.push(if name == Field::KeyValue.as_str() {
                Notice::KeyIgnored
            } else {
                Notice::UnknownField {
                    name: name.to_owned(),
                }
            });
            continue;
        };

        if seen.contains(&field) {
            notices.push(Notice::Duplicate { field });
            continue;
        }
        seen.push(field);

        let Some(value) = percent_decode(raw_value) else {
            notices.push(Notice::InvalidEncoding {
                name: name.to_owned(),
            });
            continue;
        };

        if let Err(expected) = apply(&mut state, field, value.clone()) {
            notices.push(Notice::InvalidValue {
                field,
                value,
                expected,
            });
        }
    }

    Decoded { state, notices }
}

/// Sets `field` of `state` from link text, or returns what the field
/// accepts when the text is not one of its values.
fn apply(state: &mut State, field: Field, value: String) -> Result<(), &'static str> {
    let optional = |value: String| (!value.is_empty()).then_some(value);
    match field {
        Field::Auth => {
            state.auth = Auth::ALL
                .into_iter()
                .find(|auth| auth.as_str() == value)
                .ok_or("`secret_token` or `api_key`")?;
        }
        Field::SecretName => state.secret_name = value,
        Field::KeyValue => unreachable!("links never carry the key, so `decode` skips it"),
        Field::EmbedKey => state.embed_key = parse_flag(&value)?,
        Field::Kms => {
            state.kms = Kms::ALL
                .into_iter()
                .find(|kms| kms.as_str() == value)
                .ok_or("`aws_managed` or `customer_managed`")?;
        }
        Field::KmsKeyArn => state.kms_key_arn = optional(value),
        Field::Region => state.region = value,
        Field::AccountId => state.account_id = optional(value),
        Field::FunctionName => state.function_name = optional(value),
        Field::Role => state.role = optional(value),
        Field::ApmServerUrl => state.apm_server_url = optional(value),
        Field::InVpc => state.in_vpc = parse_flag(&value)?,
        Field::Tool => {
            state.tool = Tool::parse(&value)
                .ok_or("`console`, `cli`, `sam`, `serverless` or `terraform`")?;
        }
    }
    Ok(())
}

/// Reads a checkbox value; `encode` writes `1` and `0`.
fn parse_flag(value: &str) -> Result<bool, &'static str> {
    match value {
        "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err("`1` or `0`"),
    }
}

/// Returns whether a byte may appear unescaped in a link value: the URL
/// unreserved characters, plus `/`, `:` and `@`, which fragments allow and
/// which keep ARNs readable. So `&`, `=`, `+`, `#` and `%` are always escaped.
fn is_link_safe(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~/:@".contains(&byte)
}

/// Percent-encodes the UTF-8 bytes of `text` that are not link-safe.
fn percent_encode(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if is_link_safe(byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push('%');
            encoded.push(char::from(HEX[usize::from(byte >> 4)]));
            encoded.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    encoded
}

/// Decodes `%XX` escapes, or returns `None` when an escape is incomplete or
/// the bytes are not UTF-8. A `+` stays a plus sign, because secret names
/// may contain one and links are not form-encoded.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = bytes.get(index + 1..index + 3)?;
            let high = char::from(hex[0]).to_digit(16)?;
            let low = char::from(hex[1]).to_digit(16)?;
            decoded.push((high * 16 + low) as u8);
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Returns a state that differs from the default in every field, with
    /// values that need escaping.
    fn every_field_changed() -> State {
        State {
            auth: Auth::ApiKey,
            secret_name: "team+apm/token=1.@-x y".to_owned(),
            key_value: Some("s3cr3t-key&value".to_owned()),
            embed_key: true,
            kms: Kms::CustomerManaged,
            kms_key_arn: Some(
                "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                    .to_owned(),
            ),
            region: "eu-west-1".to_owned(),
            account_id: Some("111122223333".to_owned()),
            function_name: Some("orders".to_owned()),
            role: Some("arn:aws:iam::111122223333:role/service-role/orders-role".to_owned()),
            apm_server_url: Some("https://apm.example.com:443/path?a=1&b=2#x%20".to_owned()),
            in_vpc: true,
            tool: Tool::Terraform,
        }
    }

    #[test]
    fn default_state_encodes_empty() {
        assert_eq!(encode(&State::default()), "");
        let decoded = decode("");
        assert_eq!(decoded.state, State::default());
        assert!(decoded.notices.is_empty());
    }

    #[test]
    fn every_field_round_trips() {
        let state = every_field_changed();
        let decoded = decode(&encode(&state));
        assert_eq!(decoded.notices, Vec::new());
        assert_eq!(decoded.state, state.without_key());
    }

    /// Copies one field from the second state into the first.
    type CopyField = fn(&mut State, &State);

    #[test]
    fn each_field_round_trips_alone() {
        let changed = every_field_changed();
        let setters: [(Field, CopyField); 12] = [
            (Field::Auth, |s, c| s.auth = c.auth),
            (Field::SecretName, |s, c| {
                s.secret_name = c.secret_name.clone()
            }),
            (Field::EmbedKey, |s, c| s.embed_key = c.embed_key),
            (Field::Kms, |s, c| s.kms = c.kms),
            (Field::KmsKeyArn, |s, c| {
                s.kms_key_arn = c.kms_key_arn.clone()
            }),
            (Field::Region, |s, c| s.region = c.region.clone()),
            (Field::AccountId, |s, c| s.account_id = c.account_id.clone()),
            (Field::FunctionName, |s, c| {
                s.function_name = c.function_name.clone()
            }),
            (Field::Role, |s, c| s.role = c.role.clone()),
            (Field::ApmServerUrl, |s, c| {
                s.apm_server_url = c.apm_server_url.clone()
            }),
            (Field::InVpc, |s, c| s.in_vpc = c.in_vpc),
            (Field::Tool, |s, c| s.tool = c.tool),
        ];
        assert_eq!(setters.map(|(field, _)| field), LINK_FIELDS);

        for (field, set) in setters {
            let mut state = State::default();
            set(&mut state, &changed);
            let link = encode(&state);
            assert!(
                link.starts_with(&format!("{}=", field.as_str())),
                "{field:?} encoded as {link:?}"
            );
            assert!(!link.contains('&'), "{field:?} encoded as {link:?}");
            let decoded = decode(&link);
            assert_eq!(decoded.notices, Vec::new(), "{field:?}");
            assert_eq!(decoded.state, state, "{field:?}");
        }
    }

    #[test]
    fn key_is_never_encoded() {
        let state = every_field_changed();
        let link = encode(&state);
        assert!(!link.contains("s3cr3t"), "{link}");
        assert!(!link.contains("key_value"), "{link}");
        assert_eq!(link, encode(&state.without_key()));

        let only_key = State {
            key_value: Some("s3cr3t".to_owned()),
            ..State::default()
        };
        assert_eq!(encode(&only_key), "");
    }

    #[test]
    fn key_in_link_is_ignored() {
        let decoded = decode("key_value=s3cr3t&tool=cli");
        assert_eq!(decoded.state.key_value, None);
        assert_eq!(decoded.state.tool, Tool::Cli);
        assert_eq!(decoded.notices, vec![Notice::KeyIgnored]);
    }

    #[test]
    fn leading_hash_is_accepted() {
        let decoded = decode("#region=eu-west-1");
        assert_eq!(decoded.state.region, "eu-west-1");
        assert!(decoded.notices.is_empty());
    }

    #[test]
    fn cleared_secret_name_round_trips() {
        let state = State {
            secret_name: String::new(),
            ..State::default()
        };
        assert_eq!(encode(&state), "secret_name=");
        assert_eq!(decode("secret_name=").state, state);
    }

    #[test]
    fn empty_optional_value_means_unanswered() {
        let decoded = decode("account_id=&role=");
        assert_eq!(decoded.state, State::default());
        assert!(decoded.notices.is_empty());
    }

    #[test]
    fn reserved_characters_are_escaped() {
        let state = State {
            secret_name: "a&b=c+d#e%f g".to_owned(),
            ..State::default()
        };
        let link = encode(&state);
        assert_eq!(link, "secret_name=a%26b%3Dc%2Bd%23e%25f%20g");
        assert_eq!(decode(&link).state, state);
    }

    #[test]
    fn arn_stays_readable() {
        let state = State {
            role: Some("arn:aws:iam::111122223333:role/service-role/x".to_owned()),
            ..State::default()
        };
        assert_eq!(
            encode(&state),
            "role=arn:aws:iam::111122223333:role/service-role/x"
        );
    }

    #[test]
    fn non_ascii_round_trips() {
        let state = State {
            region: "région-ü".to_owned(),
            ..State::default()
        };
        let link = encode(&state);
        assert!(link.is_ascii(), "{link}");
        assert_eq!(decode(&link).state, state);
    }

    #[test]
    fn plus_sign_is_literal() {
        assert_eq!(decode("secret_name=a+b").state.secret_name, "a+b");
    }

    #[test]
    fn malformed_parts_are_skipped_field_by_field() {
        let decoded = decode(
            "auth=api_key&garbage&colour=blue&tool=cobol&region=eu-west-1&in_vpc=maybe&&secret_name=%E0%A4&account_id=%4&function_name=f1",
        );
        assert_eq!(decoded.state.auth, Auth::ApiKey);
        assert_eq!(decoded.state.region, "eu-west-1");
        assert_eq!(decoded.state.function_name.as_deref(), Some("f1"));
        assert_eq!(decoded.state.tool, Tool::default());
        assert!(!decoded.state.in_vpc);
        assert_eq!(decoded.state.secret_name, State::default().secret_name);
        assert_eq!(decoded.state.account_id, None);
        assert_eq!(
            decoded.notices,
            vec![
                Notice::Malformed {
                    part: "garbage".to_owned()
                },
                Notice::UnknownField {
                    name: "colour".to_owned()
                },
                Notice::InvalidValue {
                    field: Field::Tool,
                    value: "cobol".to_owned(),
                    expected: "`console`, `cli`, `sam`, `serverless` or `terraform`",
                },
                Notice::InvalidValue {
                    field: Field::InVpc,
                    value: "maybe".to_owned(),
                    expected: "`1` or `0`",
                },
                Notice::InvalidEncoding {
                    name: "secret_name".to_owned()
                },
                Notice::InvalidEncoding {
                    name: "account_id".to_owned()
                },
            ]
        );
    }

    #[test]
    fn invalid_auth_and_kms_are_skipped() {
        let decoded = decode("auth=password&kms=none&embed_key=2");
        assert_eq!(decoded.state, State::default());
        assert_eq!(decoded.notices.len(), 3);
    }

    #[test]
    fn duplicate_keeps_first_value() {
        let decoded = decode("tool=cli&tool=sam");
        assert_eq!(decoded.state.tool, Tool::Cli);
        assert_eq!(
            decoded.notices,
            vec![Notice::Duplicate { field: Field::Tool }]
        );
    }

    #[test]
    fn flags_accept_words() {
        assert!(decode("in_vpc=true").state.in_vpc);
        assert!(!decode("in_vpc=false").state.in_vpc);
        assert!(decode("embed_key=1").state.embed_key);
    }

    #[test]
    fn notice_messages_quote_the_input() {
        let decoded = decode("tool=cobol&colour=blue&garbage");
        let messages: Vec<String> = decoded.notices.iter().map(Notice::to_string).collect();
        assert_eq!(
            messages[0],
            "Ignored `tool` in the link: `cobol` is not a valid value. Expected `console`, `cli`, `sam`, `serverless` or `terraform`."
        );
        assert!(messages[1].starts_with("Ignored `colour` in the link: the wizard has no question of that name. Known names: `auth`, `secret_name`,"));
        assert_eq!(
            messages[2],
            "Ignored `garbage` in the link: a part must have the form `name=value`."
        );
    }

    #[test]
    fn notice_shortens_long_input() {
        let long = "x".repeat(500);
        let message = Notice::Malformed { part: long }.to_string();
        assert!(message.len() < 200, "{message}");
        assert!(message.contains('…'));
    }
}
