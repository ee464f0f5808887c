//! The loopback HTTP server (tiny_http): records every request, answers through
//! [`respond`](super::respond), and stops when the [`MockClerk`] is dropped.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard};
use std::thread::JoinHandle;

use super::dataset::Dataset;
use super::faults::Fault;
use super::records::DEFAULT_API_KEY;
use super::router::{respond, Request};
use super::store::Data;

/// Threads answering requests (the component sends one at a time; tests may share a mock).
const WORKERS: usize = 2;

/// One request the mock received.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    /// Path without the query, e.g. `/v1/users` (not percent-decoded).
    pub path: String,
    /// Decoded query parameters in order, repeated keys kept.
    pub query: Vec<(String, String)>,
    /// Lowercase names.
    pub headers: Vec<(String, String)>,
    /// The request body (empty for GET).
    pub body: String,
    /// Status of the response the mock sent.
    pub status: u16,
}

impl RecordedRequest {
    /// First value of query parameter `k`.
    pub fn param(&self, k: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }
    /// All values of query parameter `k`, in order.
    pub fn params(&self, k: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .collect()
    }
    /// First value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub(crate) struct Shared {
    /// The dataset and its index; writes replace both.
    pub(crate) data: RwLock<Data>,
    pub(crate) api_key: String,
    pub(crate) requests: Mutex<Vec<RecordedRequest>>,
    pub(crate) bytes_sent: AtomicU64,
    pub(crate) faults: Mutex<Vec<Fault>>,
}

/// Read access to the mock's current dataset.
pub struct DatasetGuard<'a>(RwLockReadGuard<'a, Data>);

impl std::ops::Deref for DatasetGuard<'_> {
    type Target = Dataset;
    fn deref(&self) -> &Dataset {
        &self.0.dataset
    }
}

/// The mock server. Listens on `127.0.0.1:<ephemeral port>`; stops when dropped.
pub struct MockClerk {
    shared: Arc<Shared>,
    server: Arc<tiny_http::Server>,
    addr: SocketAddr,
    workers: Vec<JoinHandle<()>>,
}

impl MockClerk {
    /// Start serving `dataset`, accepting the API key [`DEFAULT_API_KEY`] (`sk_test_mock`).
    pub fn start(dataset: Dataset) -> MockClerk {
        MockClerk::start_with_key(dataset, DEFAULT_API_KEY)
    }

    /// Start serving `dataset`, accepting only `Authorization: Bearer <api_key>`.
    pub fn start_with_key(dataset: Dataset, api_key: &str) -> MockClerk {
        let server = tiny_http::Server::http("127.0.0.1:0").expect("mock clerk: bind 127.0.0.1:0");
        let addr = server
            .server_addr()
            .to_ip()
            .expect("mock clerk: an IP address");
        let server = Arc::new(server);
        let shared = Arc::new(Shared {
            data: RwLock::new(Data::new(dataset)),
            api_key: api_key.to_string(),
            requests: Mutex::new(Vec::new()),
            bytes_sent: AtomicU64::new(0),
            faults: Mutex::new(Vec::new()),
        });
        let workers = (0..WORKERS)
            .map(|_| {
                let (server, sh) = (Arc::clone(&server), Arc::clone(&shared));
                std::thread::Builder::new()
                    .name("mock-clerk".into())
                    // `recv` fails once the server is unblocked on drop.
                    .spawn(move || {
                        while let Ok(req) = server.recv() {
                            serve(&sh, req);
                        }
                    })
                    .expect("mock clerk: spawn a worker")
            })
            .collect();
        MockClerk {
            shared,
            server,
            addr,
            workers,
        }
    }

    /// `http://127.0.0.1:PORT/v1`
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn api_key(&self) -> &str {
        &self.shared.api_key
    }

    /// The dataset as it is now (writes change it). Holding the guard blocks writes.
    pub fn dataset(&self) -> DatasetGuard<'_> {
        DatasetGuard(self.shared.data.read().unwrap())
    }

    /// Every request received so far, in the order they were answered.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests.lock().unwrap().clone()
    }

    pub fn clear_requests(&self) {
        self.shared.requests.lock().unwrap().clear();
    }

    /// Total response body bytes served (including errors and faults).
    pub fn bytes_sent(&self) -> u64 {
        self.shared.bytes_sent.load(Ordering::SeqCst)
    }

    /// Queue a scripted failure; faults are consulted in the order they were pushed.
    pub fn push_fault(&self, fault: Fault) {
        if fault.times > 0 {
            self.shared.faults.lock().unwrap().push(fault);
        }
    }

    /// Drop all queued faults.
    pub fn clear_faults(&self) {
        self.shared.faults.lock().unwrap().clear();
    }
}

impl Drop for MockClerk {
    fn drop(&mut self) {
        for _ in &self.workers {
            self.server.unblock();
        }
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

/// Answer one request and record it.
fn serve(sh: &Shared, mut req: tiny_http::Request) {
    let method = req.method().as_str().to_string();
    let (path, query) = match req.url().split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (req.url().to_string(), String::new()),
    };
    let query: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .map(|h| {
            (
                h.field.as_str().as_str().to_ascii_lowercase(),
                h.value.to_string(),
            )
        })
        .collect();
    let mut body = Vec::new();
    let _ = req.as_reader().read_to_end(&mut body);
    let body = String::from_utf8_lossy(&body).into_owned();

    let received = Request {
        method: &method,
        path: &path,
        query: &query,
        headers: &headers,
        body: &body,
    };
    let resp = respond(&sh.data, &sh.faults, &sh.api_key, &received);
    sh.bytes_sent
        .fetch_add(resp.body.len() as u64, Ordering::SeqCst);
    sh.requests.lock().unwrap().push(RecordedRequest {
        method,
        path,
        query,
        headers,
        body,
        status: resp.status,
    });
    let headers = resp
        .headers
        .iter()
        .filter_map(|(k, v)| tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).ok())
        .collect();
    let len = resp.body.len();
    let response = tiny_http::Response::new(
        tiny_http::StatusCode(resp.status),
        headers,
        std::io::Cursor::new(resp.body.into_bytes()),
        Some(len),
        None,
    );
    let _ = req.respond(response);
}
