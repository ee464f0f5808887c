//! RFC 3339 / ISO dates → Unix time, without a date library (the component's size is a
//! per-query cost: the host compiles it for every statement).

/// Microseconds for `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` (also with a space
/// or lowercase `t`/`z`). A date alone is midnight UTC; a time without offset is UTC.
pub fn parse_micros(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    let date = parse_date(b.get(..10)?)?;
    let mut micros = date.checked_mul(86_400_000_000)?;
    let rest = &b[10..];
    if rest.is_empty() {
        return Some(micros);
    }
    if !matches!(rest[0], b'T' | b't' | b' ') || rest.len() < 9 {
        return None;
    }
    let (h, m, sec) = (num(&rest[1..3])?, num(&rest[4..6])?, num(&rest[7..9])?);
    if rest[3] != b':' || rest[6] != b':' || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    micros += (h * 3600 + m * 60 + sec) * 1_000_000;
    let mut i = 9;
    if rest.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        let mut frac = 0i64;
        while let Some(d) = rest.get(i).filter(|c| c.is_ascii_digit()) {
            if i - start < 6 {
                frac = frac * 10 + i64::from(d - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start)..6 {
            frac *= 10;
        }
        micros += frac;
    }
    match &rest[i..] {
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
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (num(&b[0..4])?, num(&b[5..7])?, num(&b[8..10])?);
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
        ] {
            assert_eq!(parse_micros(s), None, "{s}");
        }
    }
}
