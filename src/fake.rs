//! The one fake host of the unit tests: answers come from a closure, and everything the
//! engine does to the outside world is recorded (requests, sleeps, notices, stats calls) on
//! a clock that only requests and sleeps move.

use crate::model::{Host, HttpResponse, Method};

/// Answers a request: (method, url, body) → response, or Err for a failed connection.
pub type Responder = Box<dyn FnMut(Method, &str, &str) -> Result<HttpResponse, String>>;

/// The fake clock's start, in Unix seconds.
pub const EPOCH: i64 = 1_700_000_000;

pub struct FakeHost {
    respond: Responder,
    /// Every request: method, url, body.
    pub sent: Vec<(Method, String, String)>,
    /// The urls of `sent`, for tests that only read.
    pub urls: Vec<String>,
    pub sleeps: Vec<u64>,
    pub notices: Vec<String>,
    /// `page_received` calls.
    pub pages: u32,
    /// `rows_returned` reports, in order.
    pub rows_reports: Vec<i64>,
    /// Milliseconds since [`EPOCH`]; each request adds `request_ms`, each sleep its length.
    pub clock_ms: u64,
    pub request_ms: u64,
    /// The statement's time budget ends here (Unix seconds); None: no budget.
    pub deadline: Option<i64>,
}

impl FakeHost {
    pub fn new(
        respond: impl FnMut(Method, &str, &str) -> Result<HttpResponse, String> + 'static,
    ) -> FakeHost {
        FakeHost {
            respond: Box::new(respond),
            sent: Vec::new(),
            urls: Vec::new(),
            sleeps: Vec::new(),
            notices: Vec::new(),
            pages: 0,
            rows_reports: Vec::new(),
            clock_ms: 0,
            request_ms: 0,
            deadline: None,
        }
    }

    /// A host that only answers reads (a scan), by url.
    pub fn reads(
        mut respond: impl FnMut(&str) -> Result<HttpResponse, String> + 'static,
    ) -> FakeHost {
        FakeHost::new(move |method, url, body| {
            assert_eq!((method, body), (Method::Get, ""), "a scan only reads");
            respond(url)
        })
    }

    /// Answers in this order: (status, body); status 0 fails the connection.
    pub fn scripted(answers: Vec<(u16, &'static str)>) -> FakeHost {
        let mut answers = answers.into_iter();
        FakeHost::new(move |_, _, _| {
            let (status, body) = answers.next().expect("more requests than scripted answers");
            answer(status, body)
        })
    }

    /// Answers every request with `status` (0: the connection fails).
    pub fn always(status: u16) -> FakeHost {
        FakeHost::new(move |_, _, _| answer(status, ""))
    }
}

/// A response with `status` and `body`; status 0 is a failed connection.
pub fn answer(status: u16, body: &str) -> Result<HttpResponse, String> {
    match status {
        0 => Err("connection reset".into()),
        _ => Ok(HttpResponse {
            status,
            headers: Vec::new(),
            body: body.into(),
        }),
    }
}

impl Host for FakeHost {
    fn request(
        &mut self,
        method: Method,
        url: &str,
        headers: &[(String, String)],
        body: &str,
    ) -> Result<HttpResponse, String> {
        assert!(headers.iter().all(|(k, _)| k == &k.to_ascii_lowercase()));
        self.sent.push((method, url.into(), body.into()));
        self.urls.push(url.into());
        self.clock_ms += self.request_ms;
        (self.respond)(method, url, body)
    }
    fn sleep_ms(&mut self, ms: u64) {
        self.sleeps.push(ms);
        self.clock_ms += ms;
    }
    fn now_secs(&mut self) -> i64 {
        EPOCH + (self.clock_ms / 1000) as i64
    }
    fn deadline(&self) -> Option<i64> {
        self.deadline
    }
    fn debug(&mut self, _: &str) {}
    fn notice(&mut self, msg: &str) {
        self.notices.push(msg.into());
    }
    fn page_received(&mut self, _: i64, _: i64) {
        self.pages += 1;
    }
    fn rows_returned(&mut self, rows: i64) {
        self.rows_reports.push(rows);
    }
}
