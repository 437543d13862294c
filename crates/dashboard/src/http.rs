//! Just enough HTTP/1.1 for the dashboard: read one request head, write one response, close.
//!
//! Every connection carries one request (`Connection: close`), which keeps the server a plain
//! loop per connection; the event stream is the one response that stays open.

use std::io::{self, Read, Write};

/// The largest request head accepted (request line and headers).
pub const MAX_HEAD: usize = 8 * 1024;

/// A parsed request line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `HEAD`, ...
    pub method: String,
    /// The path without the query string, e.g. `/state.json`.
    pub path: String,
}

/// Why a request could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum BadRequest {
    /// The peer closed the connection (or sent nothing) before a full head.
    Closed,
    /// The head is over [`MAX_HEAD`] bytes.
    TooLarge,
    /// Not `METHOD /path HTTP/1.x`, or not UTF-8.
    Malformed(String),
}

/// Read a request head from `r` and parse its request line.
///
/// # Errors
/// [`BadRequest`] on a closed connection, a head that is too large or malformed (I/O errors and
/// timeouts count as closed).
pub fn read_request(r: &mut impl Read) -> Result<Request, BadRequest> {
    let mut head = Vec::with_capacity(512);
    let mut buf = [0u8; 1024];
    loop {
        if let Some(end) = find_end(&head) {
            head.truncate(end);
            break;
        }
        if head.len() > MAX_HEAD {
            return Err(BadRequest::TooLarge);
        }
        match r.read(&mut buf) {
            Ok(0) | Err(_) if head.is_empty() => return Err(BadRequest::Closed),
            Ok(0) | Err(_) => {
                // Some clients (and `printf | nc`) end a bare request line with one newline
                // and close: accept the line if it is complete.
                if head.ends_with(b"\n") {
                    break;
                }
                return Err(BadRequest::Malformed("the connection closed inside the request head".into()));
            }
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let text = std::str::from_utf8(&head).map_err(|_| BadRequest::Malformed("the request head is not UTF-8".into()))?;
    parse_request_line(text.lines().next().unwrap_or(""))
}

/// Position of the end of the head (`\r\n\r\n` or `\n\n`), if it has arrived.
fn find_end(head: &[u8]) -> Option<usize> {
    let crlf = head.windows(4).position(|w| w == b"\r\n\r\n");
    let lf = head.windows(2).position(|w| w == b"\n\n");
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Parse `GET /path?query HTTP/1.1`.
///
/// # Errors
/// [`BadRequest::Malformed`] naming what is wrong.
pub fn parse_request_line(line: &str) -> Result<Request, BadRequest> {
    let mut parts = line.trim_end_matches('\r').split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(BadRequest::Malformed(format!("request line {line:?} is not METHOD PATH HTTP/1.x")));
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(BadRequest::Malformed(format!("method {method:?} is not an HTTP method")));
    }
    if !version.starts_with("HTTP/1.") {
        return Err(BadRequest::Malformed(format!("version {version:?}: expected HTTP/1.0 or HTTP/1.1")));
    }
    if !target.starts_with('/') {
        return Err(BadRequest::Malformed(format!("target {target:?} does not start with /")));
    }
    let path = target.split(['?', '#']).next().unwrap_or("/").to_string();
    Ok(Request { method: method.to_string(), path })
}

/// Write a complete response with `Connection: close` (the body is left out for `HEAD`).
///
/// # Errors
/// When the peer is gone.
pub fn respond(w: &mut impl Write, status: u16, content_type: &str, body: &[u8], head_only: bool) -> io::Result<()> {
    let reason = reason(status);
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n",
        body.len()
    );
    if status == 405 {
        out.push_str("Allow: GET, HEAD\r\n");
    }
    out.push_str("\r\n");
    w.write_all(out.as_bytes())?;
    if !head_only {
        w.write_all(body)?;
    }
    w.flush()
}

/// The head of a Server-Sent Events response (the body follows as events).
///
/// # Errors
/// When the peer is gone.
pub fn start_event_stream(w: &mut impl Write) -> io::Result<()> {
    w.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\nX-Accel-Buffering: no\r\n\r\nretry: 1000\n\n",
    )?;
    w.flush()
}

/// One Server-Sent Event (`data` must be one line, as JSON is).
pub fn event(name: &str, data: &str) -> String {
    format!("event: {name}\ndata: {data}\n\n")
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_lines() {
        let r = parse_request_line("GET /state.json?x=1 HTTP/1.1").unwrap();
        assert_eq!(r, Request { method: "GET".into(), path: "/state.json".into() });
        for bad in ["", "GET", "GET /", "get / HTTP/1.1", "GET x HTTP/1.1", "GET / SPDY/3", "GET / HTTP/1.1 extra"] {
            assert!(matches!(parse_request_line(bad), Err(BadRequest::Malformed(_))), "{bad:?}");
        }
    }

    #[test]
    fn heads() {
        let mut ok: &[u8] = b"GET / HTTP/1.1\r\nHost: x\r\n\r\nbody";
        assert_eq!(read_request(&mut ok).unwrap().path, "/");
        let mut bare: &[u8] = b"GET /events HTTP/1.0\n";
        assert_eq!(read_request(&mut bare).unwrap().path, "/events");
        let mut empty: &[u8] = b"";
        assert_eq!(read_request(&mut empty), Err(BadRequest::Closed));
        let big = vec![b'a'; MAX_HEAD + 2000];
        assert_eq!(read_request(&mut big.as_slice()), Err(BadRequest::TooLarge));
        let mut binary: &[u8] = b"\xff\xfe\r\n\r\n";
        assert!(matches!(read_request(&mut binary), Err(BadRequest::Malformed(_))));
    }
}
