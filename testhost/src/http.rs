//! Minimal HTTP/1.1 client over plain TCP, good enough for talking to the loopback mock
//! Clerk server (and any other plain-`http://` test server).
//!
//! One request per connection: every request carries `Connection: close`. The response body
//! is read by `Content-Length`, by chunked transfer coding, or until EOF. Reads and writes time
//! out after [`IO_TIMEOUT`], so a broken server cannot hang a test.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// Read/write timeout on the socket.
pub const IO_TIMEOUT: Duration = Duration::from_secs(30);
/// Timeout for establishing the TCP connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Upper bound for the status line plus headers, to stop runaway responses.
const MAX_HEAD_BYTES: usize = 1 << 20;

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

/// The parts of an `http://` URL we need.
struct Target {
    /// `host:port` as written in the URL (used for the Host header).
    authority: String,
    host: String,
    port: u16,
    /// Path plus query, always starting with `/`.
    path_and_query: String,
    /// The URL without its query string (for error messages; queries may carry secrets).
    display: String,
}

fn parse_url(url: &str) -> Result<Target, String> {
    let without_query = url.split(['?', '#']).next().unwrap_or(url);
    let rest = match url.get(..7) {
        Some(scheme) if scheme.eq_ignore_ascii_case("http://") => &url[7..],
        _ => {
            return Err(format!(
                "unsupported URL (only http:// is supported): {without_query}"
            ))
        }
    };
    // Drop any fragment; it is never sent.
    let rest = rest.split('#').next().unwrap_or(rest);
    let split_at = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..split_at];
    let mut path_and_query = rest[split_at..].to_string();
    if path_and_query.is_empty() {
        path_and_query.push('/');
    } else if path_and_query.starts_with('?') {
        path_and_query.insert(0, '/');
    }
    if authority.is_empty() || authority.contains('@') {
        return Err(format!("invalid host in URL: {without_query}"));
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        // [::1]:8080
        let end = v6
            .find(']')
            .ok_or_else(|| format!("invalid host in URL: {without_query}"))?;
        let host = &v6[..end];
        let port = match &v6[end + 1..] {
            "" => 80,
            p => parse_port(p.strip_prefix(':').unwrap_or("x"), without_query)?,
        };
        (host.to_string(), port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), parse_port(p, without_query)?),
            None => (authority.to_string(), 80),
        }
    };
    if host.is_empty() {
        return Err(format!("invalid host in URL: {without_query}"));
    }
    Ok(Target {
        authority: authority.to_string(),
        host,
        port,
        path_and_query,
        display: without_query.to_string(),
    })
}

fn parse_port(p: &str, url: &str) -> Result<u16, String> {
    p.parse::<u16>()
        .map_err(|_| format!("invalid port in URL: {url}"))
}

fn has_header(headers: &[(String, String)], name: &str) -> bool {
    headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name))
}

/// Send a GET (or other method) to `url` (http://host:port/path?query) with the given headers.
pub fn request(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &str,
) -> Result<HttpResponse, String> {
    let target = parse_url(url)?;
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(format!(
            "invalid HTTP method {method:?} for {}",
            target.display
        ));
    }
    for (k, v) in headers {
        let bad = |s: &str| s.contains(['\r', '\n']);
        if k.is_empty() || bad(k) || bad(v) || k.contains(':') {
            return Err(format!("invalid header {k:?} for {}", target.display));
        }
    }

    // Build the request head.
    let mut head = format!("{} {} HTTP/1.1\r\n", method, target.path_and_query);
    if !has_header(headers, "host") {
        head.push_str(&format!("Host: {}\r\n", target.authority));
    }
    for (k, v) in headers {
        head.push_str(k);
        head.push_str(": ");
        head.push_str(v);
        head.push_str("\r\n");
    }
    if !body.is_empty() && !has_header(headers, "content-length") {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    if !has_header(headers, "connection") {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");

    let io_err = |what: &str, e: std::io::Error| format!("{what} {} failed: {e}", target.display);

    // Connect (trying every resolved address).
    let addrs: Vec<_> = (target.host.as_str(), target.port)
        .to_socket_addrs()
        .map_err(|e| io_err("resolving host of", e))?
        .collect();
    let mut last_err = None;
    let mut stream = None;
    for addr in &addrs {
        match TcpStream::connect_timeout(addr, CONNECT_TIMEOUT) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last_err = Some(e),
        }
    }
    let mut stream = match stream {
        Some(s) => s,
        None => {
            let e = last_err.unwrap_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::NotFound, "no address resolved")
            });
            return Err(io_err("connecting to", e));
        }
    };
    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_nodelay(true);

    let mut out = head.into_bytes();
    out.extend_from_slice(body.as_bytes());
    stream
        .write_all(&out)
        .and_then(|_| stream.flush())
        .map_err(|e| io_err("sending request to", e))?;

    let mut reader = BufReader::new(stream);
    read_response(&mut reader, method.eq_ignore_ascii_case("HEAD"))
        .map_err(|e| format!("reading response from {} failed: {e}", target.display))
}

/// Read one CRLF- (or LF-) terminated line, without the terminator.
fn read_line<R: BufRead>(r: &mut R, budget: &mut usize) -> Result<String, String> {
    let mut buf = Vec::new();
    let n = r
        .by_ref()
        .take(*budget as u64 + 1)
        .read_until(b'\n', &mut buf)
        .map_err(|e| e.to_string())?;
    if n == 0 {
        return Err("connection closed before the response head was complete".into());
    }
    if n > *budget {
        return Err("response head too large".into());
    }
    *budget -= n;
    if buf.last() != Some(&b'\n') {
        return Err("connection closed in the middle of a line".into());
    }
    buf.pop();
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

fn read_head<R: BufRead>(
    r: &mut R,
    budget: &mut usize,
) -> Result<(u16, Vec<(String, String)>), String> {
    let status_line = read_line(r, budget)?;
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or("");
    if !version.starts_with("HTTP/") {
        return Err(format!("malformed status line {status_line:?}"));
    }
    let status = parts
        .next()
        .and_then(|s| s.parse::<u16>().ok())
        .filter(|s| (100..1000).contains(s))
        .ok_or_else(|| format!("malformed status line {status_line:?}"))?;
    let mut headers = Vec::new();
    loop {
        let line = read_line(r, budget)?;
        if line.is_empty() {
            break;
        }
        match line.split_once(':') {
            Some((k, v)) => headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string())),
            None => return Err(format!("malformed header line {line:?}")),
        }
    }
    Ok((status, headers))
}

fn read_response<R: BufRead>(r: &mut R, is_head: bool) -> Result<HttpResponse, String> {
    let mut budget = MAX_HEAD_BYTES;
    let (status, headers) = loop {
        let (status, headers) = read_head(r, &mut budget)?;
        // Skip interim responses (100 Continue, 103 Early Hints...), but not 101.
        if (100..200).contains(&status) && status != 101 {
            continue;
        }
        break (status, headers);
    };
    let find = |name: &str| {
        headers
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
    };

    let mut body = Vec::new();
    let no_body = is_head || status == 204 || status == 304 || (100..200).contains(&status);
    if !no_body {
        let chunked = find("transfer-encoding")
            .iter()
            .any(|v| v.to_ascii_lowercase().contains("chunked"));
        if chunked {
            read_chunked(r, &mut body)?;
        } else if let Some(cl) = find("content-length").first() {
            let len: u64 = cl
                .parse()
                .map_err(|_| format!("invalid content-length {cl:?}"))?;
            r.by_ref()
                .take(len)
                .read_to_end(&mut body)
                .map_err(|e| e.to_string())?;
            if (body.len() as u64) < len {
                return Err(format!(
                    "connection closed after {} of {len} body bytes",
                    body.len()
                ));
            }
        } else {
            r.read_to_end(&mut body).map_err(|e| e.to_string())?;
        }
    }
    let body = match String::from_utf8(body) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

fn read_chunked<R: BufRead>(r: &mut R, body: &mut Vec<u8>) -> Result<(), String> {
    let mut budget = MAX_HEAD_BYTES;
    loop {
        let line = read_line(r, &mut budget)?;
        let size_str = line.split(';').next().unwrap_or("").trim();
        let size = u64::from_str_radix(size_str, 16)
            .map_err(|_| format!("invalid chunk size line {line:?}"))?;
        if size == 0 {
            // Trailers until an empty line (or EOF, tolerated).
            loop {
                match read_line(r, &mut budget) {
                    Ok(l) if l.is_empty() => return Ok(()),
                    Ok(_) => continue,
                    Err(_) => return Ok(()),
                }
            }
        }
        let before = body.len();
        r.by_ref()
            .take(size)
            .read_to_end(body)
            .map_err(|e| e.to_string())?;
        if ((body.len() - before) as u64) < size {
            return Err("connection closed in the middle of a chunk".into());
        }
        let end = read_line(r, &mut budget)?;
        if !end.is_empty() {
            return Err("missing CRLF after chunk data".into());
        }
        // Chunk-size lines do not count against the head budget forever.
        budget = MAX_HEAD_BYTES;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::thread;

    /// Serve one connection with a canned raw response; returns the URL base and a handle
    /// yielding the raw request bytes.
    fn one_shot(response: &'static [u8]) -> (String, thread::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let h = thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut r = BufReader::new(s.try_clone().unwrap());
            let mut req = String::new();
            let mut content_length = 0usize;
            loop {
                let mut line = String::new();
                r.read_line(&mut line).unwrap();
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    content_length = v.trim().parse().unwrap();
                }
                req.push_str(&line);
                if line == "\r\n" {
                    break;
                }
            }
            let mut b = vec![0; content_length];
            r.read_exact(&mut b).unwrap();
            req.push_str(&String::from_utf8(b).unwrap());
            s.write_all(response).unwrap();
            req
        });
        (format!("http://127.0.0.1:{port}"), h)
    }

    #[test]
    fn content_length_body_and_request_format() {
        let (base, h) =
            one_shot(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello");
        let resp = request(
            "POST",
            &format!("{base}/v1/x?a=1&b=%2B"),
            &[("Authorization".into(), "Bearer k".into())],
            "{}",
        )
        .unwrap();
        assert_eq!(resp.status, 200);
        assert_eq!(resp.body, "hello");
        assert_eq!(resp.header("x-a"), Some("b"));
        assert!(resp.headers.iter().any(|(k, _)| k == "content-type"));
        let req = h.join().unwrap();
        assert!(
            req.starts_with("POST /v1/x?a=1&b=%2B HTTP/1.1\r\n"),
            "{req}"
        );
        assert!(req.contains("\r\nHost: 127.0.0.1:"));
        assert!(req.contains("\r\nAuthorization: Bearer k\r\n"));
        assert!(req.contains("\r\nContent-Length: 2\r\n"));
        assert!(req.contains("\r\nConnection: close\r\n"));
        assert!(req.ends_with("\r\n\r\n{}"));
    }

    #[test]
    fn chunked_body() {
        let (base, h) = one_shot(
            b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n6\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nX-Trailer: 1\r\n\r\n",
        );
        let resp = request("GET", &format!("{base}/"), &[], "").unwrap();
        assert_eq!(resp.status, 201);
        assert_eq!(resp.body, "Wikipedia in \r\n\r\nchunks.");
        let req = h.join().unwrap();
        assert!(!req.to_ascii_lowercase().contains("content-length"));
    }

    #[test]
    fn body_until_eof_and_interim_response() {
        let (base, h) =
            one_shot(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 503 Service Unavailable\r\nRetry-After: 2\r\n\r\n{\"x\":1}");
        let resp = request("GET", &base, &[], "").unwrap();
        assert_eq!(resp.status, 503);
        assert_eq!(resp.header("retry-after"), Some("2"));
        assert_eq!(resp.body, "{\"x\":1}");
        let req = h.join().unwrap();
        assert!(req.starts_with("GET / HTTP/1.1\r\n"));
    }

    #[test]
    fn truncated_body_is_an_error() {
        let (base, h) = one_shot(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        let err = request("GET", &format!("{base}/p?secret=1"), &[], "").unwrap_err();
        assert!(err.contains("/p"), "{err}");
        assert!(!err.contains("secret"), "{err}");
        h.join().unwrap();
    }

    #[test]
    fn errors_mention_url_without_query() {
        let err = request("GET", "https://api.clerk.com/v1/users?limit=1", &[], "").unwrap_err();
        assert!(err.contains("https://api.clerk.com/v1/users"), "{err}");
        assert!(!err.contains("limit"), "{err}");

        // A port that is (almost certainly) closed: bind, then drop.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{port}/v1/users?api_key=secret");
        let err = request("GET", &url, &[], "").unwrap_err();
        assert!(
            err.contains(&format!("http://127.0.0.1:{port}/v1/users")),
            "{err}"
        );
        assert!(!err.contains("secret"), "{err}");
    }

    #[test]
    fn url_parsing() {
        let t = parse_url("http://localhost/abc").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("localhost", 80));
        assert_eq!(t.path_and_query, "/abc");
        let t = parse_url("http://127.0.0.1:8080?x=1").unwrap();
        assert_eq!(t.port, 8080);
        assert_eq!(t.path_and_query, "/?x=1");
        assert_eq!(t.display, "http://127.0.0.1:8080");
        let t = parse_url("http://[::1]:9000/v1").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("::1", 9000));
        assert!(parse_url("http://host:notaport/").is_err());
        assert!(parse_url("ftp://host/").is_err());
    }
}
