//! Name and label rules of `k8s.io/apimachinery/pkg/util/validation`, with their exact messages.
//!
//! Worked example: `is_dns1123_subdomain("Nginx_1")` returns the one message
//! `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
//! which validation turns into `metadata.name: Invalid value: "Nginx_1": <message>`.

pub const DNS1123_SUBDOMAIN_MESSAGE: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
pub const DNS1123_LABEL_MESSAGE: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
pub const DNS1035_LABEL_MESSAGE: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
pub const LABEL_VALUE_MESSAGE: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
pub const QUALIFIED_NAME_MESSAGE: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
pub const CONFIG_KEY_MESSAGE: &str = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

fn lower_alphanumeric(byte: u8) -> bool {
    byte.is_ascii_lowercase() || byte.is_ascii_digit()
}

fn max_length_message(limit: usize) -> String {
    format!("must be no more than {limit} characters")
}

fn is_label_shape(text: &str) -> bool {
    let bytes = text.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            lower_alphanumeric(*first)
                && lower_alphanumeric(*last)
                && bytes
                    .iter()
                    .all(|byte| lower_alphanumeric(*byte) || *byte == b'-')
        }
        _ => false,
    }
}

/// `IsDNS1123Label`: the messages for what is wrong (empty when valid).
pub fn is_dns1123_label(text: &str) -> Vec<String> {
    let mut messages = Vec::new();
    if text.len() > 63 {
        messages.push(max_length_message(63));
    }
    if !is_label_shape(text) {
        messages.push(DNS1123_LABEL_MESSAGE.to_string());
    }
    messages
}

/// `IsDNS1123Subdomain`.
pub fn is_dns1123_subdomain(text: &str) -> Vec<String> {
    let mut messages = Vec::new();
    if text.len() > 253 {
        messages.push(max_length_message(253));
    }
    if text.is_empty() || !text.split('.').all(is_label_shape) {
        messages.push(DNS1123_SUBDOMAIN_MESSAGE.to_string());
    }
    messages
}

/// `IsDNS1035Label` (Service names).
pub fn is_dns1035_label(text: &str) -> Vec<String> {
    let mut messages = Vec::new();
    if text.len() > 63 {
        messages.push(max_length_message(63));
    }
    let starts_with_letter = text
        .as_bytes()
        .first()
        .is_some_and(|byte| byte.is_ascii_lowercase());
    if !starts_with_letter || !is_label_shape(text) {
        messages.push(DNS1035_LABEL_MESSAGE.to_string());
    }
    messages
}

fn is_name_part(text: &str) -> bool {
    let bytes = text.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

/// `IsValidLabelValue`.
pub fn is_valid_label_value(text: &str) -> Vec<String> {
    let mut messages = Vec::new();
    if text.len() > 63 {
        messages.push(max_length_message(63));
    }
    if !text.is_empty() && !is_name_part(text) {
        messages.push(LABEL_VALUE_MESSAGE.to_string());
    }
    messages
}

/// `IsQualifiedName` (label keys): an optional DNS subdomain prefix and `/`, then a name part.
pub fn is_qualified_name(text: &str) -> Vec<String> {
    let (prefix, name) = match text.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, text),
    };
    let mut messages = Vec::new();
    if let Some(prefix) = prefix {
        if prefix.is_empty() {
            messages.push("prefix part must be non-empty".to_string());
        } else {
            messages.extend(
                is_dns1123_subdomain(prefix)
                    .into_iter()
                    .map(|message| format!("prefix part {message}")),
            );
        }
    }
    if name.is_empty() {
        messages.push("name part must be non-empty".to_string());
    } else {
        if name.len() > 63 {
            messages.push(format!("name part {}", max_length_message(63)));
        }
        if !is_name_part(name) {
            messages.push(QUALIFIED_NAME_MESSAGE.to_string());
        }
    }
    messages
}

/// `IsConfigMapKey` (ConfigMap and Secret data keys).
pub fn is_config_map_key(text: &str) -> Vec<String> {
    let mut messages = Vec::new();
    if text.len() > 253 {
        messages.push(max_length_message(253));
    }
    if text.is_empty()
        || !text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
    {
        messages.push(CONFIG_KEY_MESSAGE.to_string());
    }
    if text == "." {
        messages.push("must not be '.'".to_string());
    } else if text == ".." {
        messages.push("must not be '..'".to_string());
    } else if text.starts_with("..") {
        messages.push("must not start with '..'".to_string());
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdomains_allow_dots_and_labels_do_not() {
        assert!(is_dns1123_subdomain("nginx.example-1").is_empty());
        assert_eq!(
            is_dns1123_label("a.b"),
            vec![DNS1123_LABEL_MESSAGE.to_string()]
        );
        assert_eq!(
            is_dns1123_subdomain("Nginx_1"),
            vec![DNS1123_SUBDOMAIN_MESSAGE.to_string()]
        );
        assert_eq!(
            is_dns1123_subdomain("-a"),
            vec![DNS1123_SUBDOMAIN_MESSAGE.to_string()]
        );
        assert_eq!(
            is_dns1035_label("1web"),
            vec![DNS1035_LABEL_MESSAGE.to_string()]
        );
        assert_eq!(
            is_dns1123_label(&"a".repeat(64)),
            vec!["must be no more than 63 characters".to_string()]
        );
    }

    #[test]
    fn label_values_may_be_empty_and_keys_may_have_a_prefix() {
        assert!(is_valid_label_value("").is_empty());
        assert!(is_valid_label_value("My_value.1").is_empty());
        assert_eq!(
            is_valid_label_value("bad value"),
            vec![LABEL_VALUE_MESSAGE.to_string()]
        );
        assert!(is_qualified_name("app.kubernetes.io/name").is_empty());
        assert_eq!(
            is_qualified_name("/x"),
            vec!["prefix part must be non-empty".to_string()]
        );
    }
}
