//! RFC 3339 / ISO dates → Unix time, without a date library (size: see lib.rs).

/// Microseconds for `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` (also with a space
/// or lowercase `t`/`z`). A date alone is midnight UTC; a time without offset is UTC.
/// Slice patterns rather than indexing: no bounds-check panics in the component.
pub fn parse_micros(s: &str) -> Option<i64> {
    let (date, rest) = s.trim_ascii().as_bytes().split_at_checked(10)?;
    let micros = parse_date(date)?.checked_mul(86_400_000_000)?;
    let [b'T' | b't' | b' ', h1, h2, b':', m1, m2, b':', s1, s2, rest @ ..] = rest else {
        return rest.is_empty().then_some(micros);
    };
    let (h, m, sec) = (num(&[*h1, *h2])?, num(&[*m1, *m2])?, num(&[*s1, *s2])?);
    if h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let mut micros = micros + (h * 3600 + m * 60 + sec) * 1_000_000;
    let mut rest = rest;
    if let [b'.', frac @ ..] = rest {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        // Microsecond precision: digits past the sixth are dropped.
        let mut us = 0;
        for i in 0..6 {
            us = us * 10
                + frac
                    .get(i)
                    .filter(|_| i < n)
                    .map_or(0, |d| i64::from(d - b'0'));
        }
        micros += us;
        rest = frac.get(n..)?;
    }
    match rest {
        [] | [b'Z'] | [b'z'] => Some(micros),
        [sign @ (b'+' | b'-'), oh1, oh2, b':', om1, om2] => {
            let off = (num(&[*oh1, *oh2])? * 60 + num(&[*om1, *om2])?) * 60_000_000;
            Some(if *sign == b'+' {
                micros - off
            } else {
                micros + off
            })
        }
        _ => None,
    }
}

/// Days since 1970-01-01 for `YYYY-MM-DD`.
fn parse_date(b: &[u8]) -> Option<i64> {
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = b else {
        return None;
    };
    let (y, m, d) = (
        num(&[*y1, *y2, *y3, *y4])?,
        num(&[*m1, *m2])?,
        num(&[*d1, *d2])?,
    );
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

fn num(b: &[u8]) -> Option<i64> {
    b.iter().try_fold(0i64, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's days-from-civil algorithm (proleptic Gregorian calendar).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times() {
        assert_eq!(parse_micros("1970-01-01"), Some(0));
        assert_eq!(parse_micros("2025-01-31"), Some(1_738_281_600_000_000));
        assert_eq!(
            parse_micros("2026-01-08T00:00:00Z"),
            Some(1_767_830_400_000_000)
        );
        assert_eq!(
            parse_micros("2023-11-22T22:00:00.123456789+02:00"),
            Some(1_700_683_200_123_456)
        );
        assert_eq!(
            parse_micros("2023-11-22 20:00:00.5"),
            Some(1_700_683_200_500_000)
        );
        assert_eq!(
            parse_micros("1969-12-31T23:59:59-00:30"),
            Some(1_799_000_000)
        );
        assert_eq!(parse_micros("2024-02-29"), Some(1_709_164_800_000_000));
        let ten = Some(1_704_103_200_000_000);
        assert_eq!(parse_micros("2024-01-01T10:00:00"), ten);
        assert_eq!(parse_micros(" 2024-01-01t10:00:00z "), ten);
        assert_eq!(
            parse_micros("2024-01-01T10:00:00.000001Z"),
            ten.map(|t| t + 1)
        );
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "2024",
            "2023-02-29",
            "2024-13-01",
            "2024-01-01T25:00:00Z",
            "2024-01-01T",
            "2024-01-01T10:00:00.Z",
            "2024-01-01T10:00:00+0200",
            "yesterday",
            "2024-01-01Tx",
            "2024-01-01X10:00:00Z",
            "2024-01-01T10:00",
            "2024-01-01T10:00:00.5Zjunk",
            "2024-1-01",
        ] {
            assert_eq!(parse_micros(s), None, "{s}");
        }
    }
}
