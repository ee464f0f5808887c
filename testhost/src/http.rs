//! The test host's HTTP client: ureq with rustls, so the same code talks to the loopback
//! mock (`http://`) and to the real Clerk API (`https://`) for the demo.
//!
//! Like the real host's reqwest client it follows redirects and hands back every status
//! as a response (the guest decides what a 4xx means). Unlike it, it has timeouts and a
//! body cap, so a broken server cannot hang a test.

use std::io::Read;
use std::sync::OnceLock;
use std::time::Duration;

/// Whole-request timeout.
pub const IO_TIMEOUT: Duration = Duration::from_secs(30);
/// Larger bodies are an error (the component's own cap is lower).
const MAX_BODY_BYTES: u64 = 256 << 20;

#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    /// Header names lowercase, as the real host delivers them.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpResponse {
    /// First header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn agent() -> &'static ureq::Agent {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    AGENT.get_or_init(|| {
        // No connection reuse: the real host builds a new client for every request, and a
        // pooled connection could outlive the mock server it was opened to.
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(IO_TIMEOUT))
            .max_idle_connections(0)
            .max_idle_connections_per_host(0)
            .build()
            .into()
    })
}

/// `url` without its query string: error messages never carry it (it can hold emails).
fn without_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// Send `method` to `url` with the given headers and body.
pub fn request(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &str,
) -> Result<HttpResponse, String> {
    let shown = without_query(url);
    let mut req = ureq::http::Request::builder().method(method).uri(url);
    for (k, v) in headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let req = req
        .body(body.to_string())
        .map_err(|e| format!("invalid request for {shown}: {e}"))?;
    let mut resp = agent()
        .run(req)
        .map_err(|e| format!("error sending request for url ({shown}): {e}"))?;
    let mut headers = Vec::new();
    for (k, v) in resp.headers() {
        headers.push((
            k.as_str().to_ascii_lowercase(),
            String::from_utf8_lossy(v.as_bytes()).into_owned(),
        ));
    }
    let mut bytes = Vec::new();
    resp.body_mut()
        .as_reader()
        .take(MAX_BODY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("error reading the body from {shown}: {e}"))?;
    if bytes.len() as u64 > MAX_BODY_BYTES {
        return Err(format!(
            "response body from {shown} is over {MAX_BODY_BYTES} bytes"
        ));
    }
    Ok(HttpResponse {
        status: resp.status().as_u16(),
        headers,
        // reqwest's `text()` decodes lossily too.
        body: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpListener;
    use std::thread;

    /// A server that answers one connection with `response` and returns what it received.
    fn one_shot(response: &'static [u8]) -> (String, thread::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let h = thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = vec![0u8; 4096];
            let n = s.read(&mut buf).unwrap();
            s.write_all(response).unwrap();
            String::from_utf8_lossy(&buf[..n]).into_owned()
        });
        (url, h)
    }

    #[test]
    fn statuses_headers_and_body_come_back_as_a_response() {
        let (url, h) = one_shot(
            b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3\r\nContent-Length: 2\r\n\r\n{}",
        );
        let headers = vec![("authorization".to_string(), "Bearer k".to_string())];
        let r = request("GET", &format!("{url}/v1/users?limit=5"), &headers, "").unwrap();
        assert_eq!(r.status, 429);
        assert_eq!(r.header("retry-after"), Some("3"));
        assert!(r.headers.iter().all(|(k, _)| k == &k.to_ascii_lowercase()));
        assert_eq!(r.body, "{}");
        let sent = h.join().unwrap();
        assert!(
            sent.starts_with("GET /v1/users?limit=5 HTTP/1.1\r\n"),
            "{sent}"
        );
        assert!(sent
            .to_ascii_lowercase()
            .contains("authorization: bearer k"));
    }

    #[test]
    fn errors_name_the_url_without_its_query() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let e = request(
            "GET",
            &format!("http://127.0.0.1:{port}/v1/users?email=a@b.co"),
            &[],
            "",
        )
        .unwrap_err();
        assert!(e.contains("/v1/users") && !e.contains("a@b.co"), "{e}");
    }
}
