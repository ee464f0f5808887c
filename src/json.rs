//! A small JSON reader over borrowed text. A page is validated once ([`parse`]); after that,
//! values are spans of the page: `attrs` and jsonb columns are the original bytes (no
//! re-serialising), strings are unescaped only when they contain escapes, and nothing
//! allocates per field. Much smaller than serde_json (size: see lib.rs).

use crate::prelude::*;

use crate::bug::span;
use alloc::borrow::Cow;

/// Deeper nesting than this is refused (bounded recursion on untrusted input).
const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub offset: usize,
    pub what: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "boolean",
            Kind::Number => "number",
            Kind::String => "string",
            Kind::Array => "array",
            Kind::Object => "object",
        }
    }
}

/// One JSON value: its exact text inside a validated document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Val<'a> {
    pub raw: &'a str,
}

/// Validate `text` as exactly one JSON value (surrounding whitespace allowed).
pub fn parse(text: &str) -> Result<Val<'_>, Error> {
    let b = text.as_bytes();
    let start = ws(b, 0);
    let end = check(b, start, 0)?;
    if ws(b, end) != b.len() {
        return Err(Error {
            offset: ws(b, end),
            what: "unexpected characters after the JSON value",
        });
    }
    Ok(Val {
        raw: span(text, start, end),
    })
}

impl<'a> Val<'a> {
    pub fn kind(self) -> Kind {
        match self.raw.as_bytes().first() {
            Some(b'n') => Kind::Null,
            Some(b't' | b'f') => Kind::Bool,
            Some(b'"') => Kind::String,
            Some(b'[') => Kind::Array,
            Some(b'{') => Kind::Object,
            _ => Kind::Number,
        }
    }

    pub fn is_null(self) -> bool {
        self.kind() == Kind::Null
    }

    pub fn as_bool(self) -> Option<bool> {
        match self.raw {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    /// The decoded string, borrowed unless it contains escapes.
    pub fn as_str(self) -> Option<Cow<'a, str>> {
        if self.kind() != Kind::String {
            return None;
        }
        let inner = self.raw.get(1..self.raw.len().checked_sub(1)?)?;
        if !inner.bytes().any(|b| b == b'\\') {
            return Some(Cow::Borrowed(inner));
        }
        Some(Cow::Owned(unescape(inner)))
    }

    /// An integer literal that fits i64 (no fraction or exponent).
    pub fn as_i64(self) -> Option<i64> {
        if self.kind() != Kind::Number || self.raw.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'))
        {
            return None;
        }
        crate::text::parse_i64(self.raw)
    }

    pub fn as_f64(self) -> Option<f64> {
        if self.kind() != Kind::Number {
            return None;
        }
        number_to_f64(self.raw)
    }

    /// The value of `key` in an object; the last one if the key repeats, as in Postgres
    /// jsonb (and serde_json), so a column and `attrs->>key` always agree.
    pub fn get(self, key: &str) -> Option<Val<'a>> {
        let mut found = None;
        for (k, v) in self.fields() {
            if key_is(k, key) {
                found = Some(v);
            }
        }
        found
    }

    /// (raw key, value) pairs of an object; empty for other kinds.
    pub fn fields(self) -> Fields<'a> {
        Fields(Items::new(self, b'{'))
    }

    /// Elements of an array; empty for other kinds.
    pub fn items(self) -> Items<'a> {
        Items::new(self, b'[')
    }
}

/// `s` as a JSON string literal (a route value read like any value Clerk sent; a field of
/// a request body).
pub fn quote(s: &str) -> String {
    let mut quoted = String::with_capacity(s.len() + 2);
    quoted.push('"');
    for c in s.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                quoted.push_str("\\u00");
                quoted.push(char::from(b"0123456789abcdef"[c as usize >> 4]));
                quoted.push(char::from(b"0123456789abcdef"[c as usize & 15]));
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// Compare a raw (still escaped) key with a plain one.
pub fn key_is(raw: &str, key: &str) -> bool {
    if raw.contains('\\') {
        unescape(raw) == key
    } else {
        raw == key
    }
}

/// Iterator over a validated array's elements (or, via [`Fields`], an object's members).
pub struct Items<'a> {
    text: &'a str,
    i: usize,
    done: bool,
}

impl<'a> Items<'a> {
    fn new(v: Val<'a>, open: u8) -> Items<'a> {
        let b = v.raw.as_bytes();
        let ok = b.first() == Some(&open);
        let i = if ok { ws(b, 1) } else { b.len() };
        let done = !ok || matches!(b.get(i), Some(b']' | b'}') | None);
        Items {
            text: v.raw,
            i,
            done,
        }
    }

    fn next_span(&mut self) -> Option<(usize, usize)> {
        if self.done {
            return None;
        }
        let b = self.text.as_bytes();
        let start = self.i;
        let end = skip(b, start);
        let next = ws(b, end);
        match b.get(next) {
            Some(b',') => self.i = ws(b, next + 1),
            _ => self.done = true,
        }
        (end > start).then_some((start, end))
    }
}

impl<'a> Iterator for Items<'a> {
    type Item = Val<'a>;
    fn next(&mut self) -> Option<Val<'a>> {
        let (s, e) = self.next_span()?;
        Some(Val {
            raw: span(self.text, s, e),
        })
    }
}

pub struct Fields<'a>(Items<'a>);

impl<'a> Iterator for Fields<'a> {
    type Item = (&'a str, Val<'a>);
    fn next(&mut self) -> Option<(&'a str, Val<'a>)> {
        let it = &mut self.0;
        if it.done {
            return None;
        }
        let b = it.text.as_bytes();
        let (ks, ke) = (it.i, skip(b, it.i));
        let colon = ws(b, ke);
        if b.get(colon) != Some(&b':') || ke < ks + 2 {
            it.done = true;
            return None;
        }
        it.i = ws(b, colon + 1);
        let (vs, ve) = it.next_span()?;
        Some((
            span(it.text, ks + 1, ke - 1),
            Val {
                raw: span(it.text, vs, ve),
            },
        ))
    }
}

fn ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
        i += 1;
    }
    i
}

fn fail<T>(offset: usize, what: &'static str) -> Result<T, Error> {
    Err(Error { offset, what })
}

/// Validate the value starting at `i`; returns the offset just after it.
fn check(b: &[u8], i: usize, depth: usize) -> Result<usize, Error> {
    if depth > MAX_DEPTH {
        return fail(i, "nesting is too deep");
    }
    match b.get(i) {
        None => fail(i, "unexpected end of input"),
        Some(open @ (b'{' | b'[')) => {
            let (close, object) = if *open == b'{' {
                (b'}', true)
            } else {
                (b']', false)
            };
            let mut i = ws(b, i + 1);
            if b.get(i) == Some(&close) {
                return Ok(i + 1);
            }
            loop {
                if object {
                    if b.get(i) != Some(&b'"') {
                        return fail(i, "expected a string key");
                    }
                    i = ws(b, check_string(b, i)?);
                    if b.get(i) != Some(&b':') {
                        return fail(i, "expected ':'");
                    }
                    i = ws(b, i + 1);
                }
                i = ws(b, check(b, i, depth + 1)?);
                match b.get(i) {
                    Some(b',') => i = ws(b, i + 1),
                    Some(c) if *c == close => return Ok(i + 1),
                    _ => return fail(i, "expected ',' or a closing bracket"),
                }
            }
        }
        Some(b'"') => check_string(b, i),
        Some(b't') => literal(b, i, b"true"),
        Some(b'f') => literal(b, i, b"false"),
        Some(b'n') => literal(b, i, b"null"),
        Some(b'-' | b'0'..=b'9') => check_number(b, i),
        Some(_) => fail(i, "unexpected character"),
    }
}

fn literal(b: &[u8], i: usize, word: &[u8]) -> Result<usize, Error> {
    if b.get(i..i + word.len()) == Some(word) {
        Ok(i + word.len())
    } else {
        fail(i, "invalid literal")
    }
}

fn check_string(b: &[u8], mut i: usize) -> Result<usize, Error> {
    i += 1;
    loop {
        match b.get(i) {
            None => return fail(i, "unterminated string"),
            Some(b'"') => return Ok(i + 1),
            Some(b'\\') => match b.get(i + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                // Surrogates must come in pairs, as serde_json and Postgres jsonb demand.
                Some(b'u') => match hex4_at(b, i + 2) {
                    Some(0xD800..=0xDBFF) if b.get(i + 6) == Some(&b'\\') => {
                        match (b.get(i + 7), hex4_at(b, i + 8)) {
                            (Some(b'u'), Some(0xDC00..=0xDFFF)) => i += 12,
                            _ => return fail(i, "lone surrogate in a \\u escape"),
                        }
                    }
                    Some(0xD800..=0xDFFF) => return fail(i, "lone surrogate in a \\u escape"),
                    Some(_) => i += 6,
                    None => return fail(i, "invalid escape in string"),
                },
                _ => return fail(i, "invalid escape in string"),
            },
            Some(c) if *c < 0x20 => return fail(i, "control character in string"),
            Some(_) => i += 1,
        }
    }
}

/// The four hex digits at `b[i..i + 4]`.
fn hex4_at(b: &[u8], i: usize) -> Option<u32> {
    let mut v = 0;
    for c in b.get(i..i + 4)? {
        v = v * 16 + char::from(*c).to_digit(16)?;
    }
    Some(v)
}

fn check_number(b: &[u8], mut i: usize) -> Result<usize, Error> {
    let start = i;
    let digits = |b: &[u8], mut i: usize| {
        let s = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        (i, i - s)
    };
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    let (after, n) = digits(b, i);
    if n == 0 || (n > 1 && b.get(i) == Some(&b'0')) {
        return fail(i, "invalid number");
    }
    i = after;
    if b.get(i) == Some(&b'.') {
        let (after, n) = digits(b, i + 1);
        if n == 0 {
            return fail(i, "invalid number");
        }
        i = after;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let (after, n) = digits(b, i);
        if n == 0 {
            return fail(i, "invalid number");
        }
        i = after;
    }
    // serde_json, which the host parses json cells with, refuses numbers beyond f64; so
    // does this reader, before such a value could reach the host (it panics on them).
    if number_bytes_to_f64(b.get(start..i).unwrap_or_default()).is_none() {
        return fail(start, "number out of range");
    }
    Ok(i)
}

/// End of the (already validated) value at `i`. Never panics, even on invalid input.
fn skip(b: &[u8], i: usize) -> usize {
    match b.get(i) {
        Some(b'"') => skip_string(b, i),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut j = i;
            while let Some(c) = b.get(j) {
                match c {
                    b'"' => {
                        j = skip_string(b, j);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return j + 1;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            b.len()
        }
        _ => {
            let mut j = i;
            while b.get(j).is_some_and(|c| {
                !matches!(c, b',' | b'}' | b']' | b':' | b' ' | b'\n' | b'\r' | b'\t')
            }) {
                j += 1;
            }
            j
        }
    }
}

fn skip_string(b: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while let Some(c) = b.get(j) {
        match c {
            b'\\' => j += 2,
            b'"' => return j + 1,
            _ => j += 1,
        }
    }
    b.len()
}

/// Decode JSON string escapes (input validated, so surrogates come in pairs).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let decoded = match chars.next() {
            Some('n') => '\n',
            Some('t') => '\t',
            Some('r') => '\r',
            Some('b') => '\u{8}',
            Some('f') => '\u{c}',
            Some('u') => {
                let hi = hex4(&mut chars);
                match hi {
                    Some(h @ 0xD800..=0xDBFF) => {
                        let mut look = chars.clone();
                        let lo = (look.next() == Some('\\') && look.next() == Some('u'))
                            .then(|| hex4(&mut look))
                            .flatten()
                            .filter(|l| (0xDC00..=0xDFFF).contains(l));
                        match lo {
                            Some(l) => {
                                chars = look;
                                char::from_u32(0x10000 + ((h - 0xD800) << 10) + (l - 0xDC00))
                                    .unwrap_or('\u{FFFD}')
                            }
                            None => '\u{FFFD}',
                        }
                    }
                    Some(h) => char::from_u32(h).unwrap_or('\u{FFFD}'),
                    None => '\u{FFFD}',
                }
            }
            Some(other) => other, // \" \\ \/
            None => break,
        };
        out.push(decoded);
    }
    out
}

fn hex4(chars: &mut core::str::Chars<'_>) -> Option<u32> {
    (0..4).try_fold(0u32, |acc, _| Some(acc * 16 + chars.next()?.to_digit(16)?))
}

/// Parse a JSON number. Exact (correctly rounded) whenever the significant digits fit in
/// 2^53 and the decimal exponent is within ±22, which covers every value Clerk sends; other
/// inputs get a close approximation instead of pulling in core's much larger parser.
pub fn number_to_f64(s: &str) -> Option<f64> {
    number_bytes_to_f64(s.as_bytes())
}

/// [`number_to_f64`] of a number's bytes (ASCII, so no UTF-8 check is needed).
fn number_bytes_to_f64(b: &[u8]) -> Option<f64> {
    let (neg, mut i) = if b.first() == Some(&b'-') {
        (true, 1)
    } else {
        (false, 0)
    };
    let mut mant: u64 = 0;
    let mut exp10: i32 = 0;
    let mut any = false;
    fn digit(d: u8, frac: bool, mant: &mut u64, exp10: &mut i32) {
        if *mant < 1_000_000_000_000_000_000 {
            *mant = *mant * 10 + u64::from(d - b'0');
            if frac {
                *exp10 -= 1;
            }
        } else if !frac {
            *exp10 += 1; // digits beyond 19 are dropped: approximation
        }
    }
    while let Some(d) = b.get(i).filter(|c| c.is_ascii_digit()) {
        digit(*d, false, &mut mant, &mut exp10);
        any = true;
        i += 1;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        // Trailing zeros of the fraction change nothing; dropping them keeps `12.0` exact
        // for mantissas up to 2^53.
        let mut zeros = 0;
        while let Some(d) = b.get(i).filter(|c| c.is_ascii_digit()) {
            if *d == b'0' {
                zeros += 1;
            } else {
                for _ in 0..zeros {
                    digit(b'0', true, &mut mant, &mut exp10);
                }
                zeros = 0;
                digit(*d, true, &mut mant, &mut exp10);
            }
            any = true;
            i += 1;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        // Saturating: an exponent of any length only means "overflow" or "underflow to 0",
        // as in serde_json.
        i += 1;
        let neg_exp = b.get(i) == Some(&b'-');
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let mut e: i32 = 0;
        let digits_start = i;
        while let Some(d) = b.get(i).filter(|c| c.is_ascii_digit()) {
            e = e
                .saturating_mul(10)
                .saturating_add(i32::from(d - b'0'))
                .min(100_000);
            i += 1;
        }
        if i == digits_start {
            return None;
        }
        exp10 = exp10.saturating_add(if neg_exp { -e } else { e });
    }
    if !any || i != b.len() {
        return None;
    }
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    let m = mant as f64;
    let v = if mant < (1 << 53) && exp10.unsigned_abs() <= 22 {
        let p = POW10[exp10.unsigned_abs() as usize];
        if exp10 < 0 {
            m / p
        } else {
            m * p
        }
    } else {
        let mut v = m;
        let mut e = exp10.clamp(-400, 400);
        while e > 0 {
            let k = e.min(22);
            v *= POW10[k as usize];
            e -= k;
        }
        while e < 0 {
            let k = (-e).min(22);
            v /= POW10[k as usize];
            e += k;
        }
        v
    };
    v.is_finite().then_some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_like_a_json_parser() {
        let good = [
            "{}",
            "[]",
            "0",
            "-0.5e+3",
            "\"a\\u00e9\\ud83d\\ude80\"",
            " {\"a\" : [1, {\"b\": null}] } ",
            "true",
            "[\"\\\"]\"]",
        ];
        for g in good {
            assert!(parse(g).is_ok(), "{g}");
            assert!(
                serde_json::from_str::<serde_json::Value>(g).is_ok(),
                "reference agrees on {g}"
            );
        }
        let bad = [
            "",
            "{",
            "[1,]",
            "{\"a\" 1}",
            "{a: 1}",
            "01",
            "1.",
            "-",
            "1e",
            "tru",
            "\"\\x\"",
            "\"a\nb\"",
            "[1] 2",
            "nul",
            "\"\\u12\"",
            "{\"a\":1,}",
        ];
        for s in bad {
            assert!(parse(s).is_err(), "{s:?} should be rejected");
            assert!(
                serde_json::from_str::<serde_json::Value>(s).is_err(),
                "reference agrees on {s:?}"
            );
        }
        let deep = "[".repeat(MAX_DEPTH + 2) + &"]".repeat(MAX_DEPTH + 2);
        assert_eq!(parse(&deep).unwrap_err().what, "nesting is too deep");
        assert_eq!(parse("{\"a\":1} x").unwrap_err().offset, 8);
    }

    #[test]
    fn spans_fields_and_items() {
        let doc =
            parse(r#"{"data": [{"id": "a", "n": [1, 2]}, {"id":"b\"q"} ], "total_count": 2}"#)
                .unwrap();
        assert_eq!(doc.kind(), Kind::Object);
        let data = doc.get("data").unwrap();
        let items: Vec<Val> = data.items().collect();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].raw, r#"{"id": "a", "n": [1, 2]}"#);
        assert_eq!(items[1].get("id").unwrap().as_str().unwrap(), "b\"q");
        assert_eq!(items[0].get("n").unwrap().items().count(), 2);
        assert_eq!(doc.get("total_count").unwrap().as_i64(), Some(2));
        assert_eq!(doc.get("missing"), None);
        let keys: Vec<&str> = doc.fields().map(|(k, _)| k).collect();
        assert_eq!(keys, vec!["data", "total_count"]);
        assert_eq!(parse("[]").unwrap().items().count(), 0);
        assert_eq!(parse("{ }").unwrap().fields().count(), 0);
        assert_eq!(parse("5").unwrap().items().count(), 0);
        // A key written with escapes still matches.
        assert!(parse(r#"{"\u0069d": 1}"#).unwrap().get("id").is_some());
    }

    #[test]
    fn strings_unescape_like_serde() {
        for s in [
            r#""plain""#,
            r#""tab\tnl\n quote\" slash\/ back\\""#,
            r#""\u00e9\u6771 \ud83d\ude80""#,
            r#""Zoë 🚀""#,
        ] {
            let ours = parse(s).unwrap().as_str().unwrap().into_owned();
            let theirs: String = serde_json::from_str(s).unwrap();
            assert_eq!(ours, theirs, "{s}");
        }
        assert!(matches!(
            parse(r#""abc""#).unwrap().as_str().unwrap(),
            Cow::Borrowed("abc")
        ));
    }

    #[test]
    fn a_repeated_key_means_its_last_value_as_in_jsonb() {
        let text = r#"{"id":"a","n":1,"id":"b"}"#;
        let v = parse(text).unwrap();
        assert_eq!(v.get("id").unwrap().as_str().unwrap(), "b");
        let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(theirs["id"], "b");
    }

    #[test]
    fn surrogates_are_accepted_and_refused_like_serde_json() {
        for s in [
            r#""\ud83d\ude80""#,
            r#""\uD83D\uDE80""#,
            r#""\ud800""#,
            r#""\ud800 x""#,
            r#""\ud800\n""#,
            r#""\ud800\u0041""#,
            r#""\ud800\ud800""#,
            r#""\udc00""#,
            r#""x\udfff""#,
            r#""\ud7ff\ue000""#,
            r#""\ud800\udc0""#,
        ] {
            let theirs = serde_json::from_str::<String>(s);
            assert_eq!(parse(s).is_ok(), theirs.is_ok(), "{s}");
            if let Ok(t) = theirs {
                assert_eq!(parse(s).unwrap().as_str().unwrap(), t, "{s}");
            }
        }
    }

    #[test]
    fn numbers() {
        for s in [
            "0",
            "-7",
            "49.99",
            "1700000000123",
            "1.5e3",
            "-2.25E-2",
            "0.1",
            "123456789.123456",
            "1e22",
            "9007199254740993",
        ] {
            let want: f64 = s.parse().unwrap();
            assert_eq!(number_to_f64(s), Some(want), "{s}");
        }
        assert_eq!(
            number_to_f64("9233333333333333330054e-52333333333333333"),
            Some(0.0)
        );
        assert_eq!(number_to_f64("0e99999999999999999999"), Some(0.0));
        assert_eq!(number_to_f64("1e99999999999999999999"), None);
        let far = number_to_f64("1.2345678901234567890123e-300").unwrap();
        assert!((far / 1.2345678901234567e-300 - 1.0).abs() < 1e-14);
        assert_eq!(number_to_f64("1e400"), None);
        assert_eq!(
            parse("9223372036854775807").unwrap().as_i64(),
            Some(i64::MAX)
        );
        assert_eq!(parse("9223372036854775808").unwrap().as_i64(), None);
        assert_eq!(parse("5.0").unwrap().as_i64(), None);
    }

    #[test]
    fn mutated_documents_never_panic_and_agree_with_serde() {
        let base = r#"{"data":[{"id":"user_1","n":-1.5e3,"ok":true,"s":"a\"\u00e9","x":null,"l":[1,{"a":[]}]}],"total_count":1}"#;
        let alphabet = br#"{}[],:"\ -+.eE0123456789abdeflnrstuD"#;
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let mut doc = base.as_bytes().to_vec();
            for _ in 0..(1 + next() % 3) {
                let at = (next() % doc.len() as u64) as usize;
                match next() % 3 {
                    0 => doc[at] = alphabet[(next() % alphabet.len() as u64) as usize],
                    1 => {
                        doc.remove(at);
                    }
                    _ => doc.insert(at, alphabet[(next() % alphabet.len() as u64) as usize]),
                }
            }
            let Ok(text) = String::from_utf8(doc) else {
                continue;
            };
            let ours = parse(&text);
            let reference = serde_json::from_str::<serde_json::Value>(&text);
            assert_eq!(ours.is_ok(), reference.is_ok(), "{text}");
            if let Ok(v) = ours {
                // Walking a valid document never panics and sees what serde sees.
                let count = v.get("data").map_or(0, |d| d.items().count());
                let want = reference.unwrap()["data"].as_array().map_or(0, Vec::len);
                assert_eq!(count, want, "{text}");
            }
        }
    }
}
