//! When to retry a request and how long to wait. Every wait is capped and the total is
//! bounded: the host has no timeouts and its sleeps cannot be cancelled.
//! (The host's own HTTP client already retries 429/5xx up to 3 times without
//! `Retry-After`, so our attempt counts stay small.)

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// HTTP 429, with the `Retry-After` header if any.
    RateLimited,
    /// HTTP 5xx (and 408).
    Server,
    /// The request did not complete.
    Transport,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Attempts in all (first try included) for 429.
    pub rate_limit_attempts: u32,
    /// Attempts in all for 5xx and transport errors.
    pub error_attempts: u32,
    pub base_delay_ms: u64,
    /// Cap on one wait, whatever `Retry-After` says.
    pub max_delay_ms: u64,
    /// Cap on the sum of waits for one request.
    pub max_total_wait_ms: u64,
}

pub const POLICY: Policy = Policy {
    rate_limit_attempts: 5,
    error_attempts: 3,
    base_delay_ms: 500,
    max_delay_ms: 15_000,
    max_total_wait_ms: 45_000,
};

impl Policy {
    /// After `attempts` failed tries (≥1) that already waited `waited_ms`, how long to wait
    /// before the next try, or None to give up.
    pub fn delay(
        &self,
        failure: Failure,
        attempts: u32,
        waited_ms: u64,
        retry_after: Option<&str>,
    ) -> Option<u64> {
        let limit = match failure {
            Failure::RateLimited => self.rate_limit_attempts,
            Failure::Server | Failure::Transport => self.error_attempts,
        };
        if attempts >= limit {
            return None;
        }
        let backoff = self
            .base_delay_ms
            .saturating_mul(1 << attempts.saturating_sub(1).min(16));
        let wanted = match (failure, retry_after.and_then(parse_retry_after)) {
            (Failure::RateLimited, Some(secs)) => secs.saturating_mul(1000).max(1),
            _ => backoff,
        };
        let delay = wanted.min(self.max_delay_ms);
        (waited_ms + delay <= self.max_total_wait_ms).then_some(delay)
    }
}

/// `Retry-After` as whole seconds. Clerk documents integer seconds; an HTTP date or junk
/// falls back to exponential backoff.
pub fn parse_retry_after(v: &str) -> Option<u64> {
    let v = v.trim_ascii().as_bytes();
    let mut secs: u64 = 0;
    let mut digits = 0;
    for &b in v {
        match b {
            b'.' => break,
            b'0'..=b'9' => secs = secs.checked_mul(10)?.checked_add(u64::from(b - b'0'))?,
            _ => return None,
        }
        digits += 1;
    }
    if digits == 0 {
        return None;
    }
    // A fractional part rounds up so we never retry early.
    Some(if v.len() > digits {
        secs.saturating_add(1)
    } else {
        secs
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let p = POLICY;
        assert_eq!(p.delay(Failure::RateLimited, 1, 0, Some(" 2 ")), Some(2000));
        assert_eq!(p.delay(Failure::RateLimited, 1, 0, Some("0")), Some(1));
        assert_eq!(
            p.delay(Failure::RateLimited, 1, 0, Some("3600")),
            Some(p.max_delay_ms)
        );
        assert_eq!(p.delay(Failure::RateLimited, 1, 0, Some("1.2")), Some(2000));
        // junk or HTTP dates → backoff
        assert_eq!(
            p.delay(Failure::RateLimited, 1, 0, Some("Wed, 21 Oct 2015")),
            Some(500)
        );
        assert_eq!(p.delay(Failure::RateLimited, 3, 0, None), Some(2000));
    }

    #[test]
    fn attempts_and_total_wait_are_bounded() {
        let p = POLICY;
        assert_eq!(
            p.delay(Failure::RateLimited, p.rate_limit_attempts, 0, Some("1")),
            None
        );
        assert_eq!(p.delay(Failure::Server, p.error_attempts, 0, None), None);
        assert_eq!(p.delay(Failure::Transport, 1, 0, None), Some(500));
        assert_eq!(p.delay(Failure::Server, 2, 0, None), Some(1000));
        assert_eq!(
            p.delay(
                Failure::RateLimited,
                1,
                p.max_total_wait_ms - 1000,
                Some("2")
            ),
            None
        );
        // Retry-After only counts for 429.
        assert_eq!(p.delay(Failure::Server, 1, 0, Some("9")), Some(500));
        // Whatever the inputs, the sum of waits stays under the cap.
        let mut waited = 0;
        let mut attempts = 1;
        while let Some(d) = p.delay(Failure::RateLimited, attempts, waited, Some("100")) {
            waited += d;
            attempts += 1;
        }
        assert!(waited <= p.max_total_wait_ms && attempts <= p.rate_limit_attempts);
    }

    #[test]
    fn parse() {
        assert_eq!(parse_retry_after("10"), Some(10));
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after(""), None);
        assert_eq!(parse_retry_after("99999999999999999999999"), None);
    }
}
