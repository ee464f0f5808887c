//! URL pieces: percent-encoding and query strings. Every value that reaches a URL goes
//! through [`encode`], so a qual value can never change a path or add a parameter.

use crate::prelude::*;

/// Percent-encode everything but RFC 3986 unreserved characters, so `+`, `@`, `/`, `?`
/// and non-ASCII survive as data in paths and query strings.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b >> 4)]));
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b & 15)]));
        }
    }
    out
}

/// A query string built pair by pair (without the `?`), values percent-encoded.
#[derive(Debug, Default)]
pub struct QueryString(String);

impl QueryString {
    pub fn add(&mut self, key: &str, value: &str) {
        if !self.0.is_empty() {
            self.0.push('&');
        }
        self.0.push_str(key);
        self.0.push('=');
        self.0.push_str(&encode(value));
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding() {
        assert_eq!(encode("a+b@x.co"), "a%2Bb%40x.co");
        assert_eq!(encode("zoë /?&="), "zo%C3%AB%20%2F%3F%26%3D");
        assert_eq!(encode("user_2x-Y.~"), "user_2x-Y.~");
    }

    #[test]
    fn query_strings_join_encoded_pairs() {
        let mut q = QueryString::default();
        assert_eq!(q.as_str(), "");
        q.add("email_address", "a+b@x.co");
        q.add("limit", "500");
        assert_eq!(q.as_str(), "email_address=a%2Bb%40x.co&limit=500");
    }
}
