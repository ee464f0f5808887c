//! Minimal HTTP/1.1 client over loopback TCP (owned by the mock/http helper).

#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    /// Header names lowercase, as the real host delivers them.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// Send a GET (or other method) to `url` (http://host:port/path?query) with the given headers.
pub fn request(method: &str, url: &str, headers: &[(String, String)], body: &str) -> Result<HttpResponse, String> {
    let _ = (method, url, headers, body);
    Err("not implemented yet".into())
}
