//! Framing between stdio and the protocol service. tower-lsp-server's own transport stops at
//! the first message it cannot decode; this one reads each frame itself, answers a malformed
//! one with a JSON-RPC error (id `null`) and a line on stderr, and passes only well-formed
//! messages on, so that a bad message never takes the server down.

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

/// The most a single message may hold; larger ones are read past without being kept, and
/// answered with an error.
const MAX_MESSAGE: usize = 256 << 20;

/// The most of a header line read at once; a longer one (junk) is read in pieces this long.
const MAX_HEADER_LINE: u64 = 1 << 20;

/// A frame's body, or why there is none.
enum Frame {
    Body(Vec<u8>),
    /// Headers without a usable `Content-Length`: answered as a parse error.
    NoLength,
    /// A body over [`MAX_MESSAGE`], already skipped.
    TooLarge(usize),
}

/// Reads one frame: headers up to an empty line, then `Content-Length` bytes. `None` at the
/// end of input.
async fn read_frame(input: &mut (impl AsyncBufReadExt + Unpin)) -> Option<Frame> {
    let mut length: Option<usize> = None;
    let mut saw_header = false;
    loop {
        // A "line" without a line break is read a piece at a time: junk cannot fill memory.
        let mut line = Vec::new();
        let mut piece = (&mut *input).take(MAX_HEADER_LINE);
        if piece.read_until(b'\n', &mut line).await.ok()? == 0 {
            return None;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if saw_header {
                break;
            }
            continue; // stray blank lines between messages
        }
        saw_header = true;
        // A header may follow the unterminated body of a broken message on the same line.
        if let Some(at) = text.to_ascii_lowercase().find("content-length:") {
            length = text[at + "content-length:".len()..].trim().parse().ok();
        }
    }
    let Some(length) = length else {
        return Some(Frame::NoLength);
    };
    if length > MAX_MESSAGE {
        let mut body = (&mut *input).take(length as u64);
        let skipped = tokio::io::copy_buf(&mut body, &mut tokio::io::sink()).await.ok()?;
        return (skipped == length as u64).then_some(Frame::TooLarge(length));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body).await.ok()?;
    Some(Frame::Body(body))
}

/// Why a body is not a JSON-RPC 2.0 message the service can take, as a JSON-RPC error.
fn check(body: &[u8]) -> Result<(), Value> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| error(-32700, &format!("not JSON: {e}"), Value::Null))?;
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    let valid_id = matches!(id, Value::Null | Value::Number(_) | Value::String(_));
    let is_request = value.get("method").is_some_and(Value::is_string)
        && value
            .get("params")
            .is_none_or(|p| p.is_object() || p.is_array() || p.is_null());
    let is_response = value.get("id").is_some() && (value.get("result").is_some() || value.get("error").is_some());
    let versioned = value.get("jsonrpc").and_then(Value::as_str) == Some("2.0");
    if value.is_object() && versioned && valid_id && (is_request || is_response) {
        Ok(())
    } else {
        let id = if valid_id { id } else { Value::Null };
        Err(error(
            -32600,
            "not a JSON-RPC 2.0 request, notification or response",
            id,
        ))
    }
}

fn error(code: i64, message: &str, id: Value) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}

/// `body` with its `Content-Length` header.
pub fn framed(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// Copies well-formed frames from `input` to `service`, and error replies to `replies`.
pub async fn filter_input(
    input: impl AsyncRead + Unpin,
    mut service: impl AsyncWrite + Unpin,
    replies: mpsc::UnboundedSender<Vec<u8>>,
) {
    let mut input = BufReader::with_capacity(1 << 16, input);
    while let Some(frame) = read_frame(&mut input).await {
        let body = match frame {
            Frame::Body(body) => body,
            Frame::NoLength => {
                eprintln!("charter: ignoring a message without a Content-Length header");
                let reply = error(-32700, "message without a Content-Length header", Value::Null);
                let _ = replies.send(framed(reply.to_string().as_bytes()));
                continue;
            }
            Frame::TooLarge(length) => {
                let message = format!("message of {length} bytes is over the limit of {MAX_MESSAGE} bytes; skipped");
                eprintln!("charter: {message}");
                let _ = replies.send(framed(error(-32600, &message, Value::Null).to_string().as_bytes()));
                continue;
            }
        };
        match check(&body) {
            Ok(()) => {
                if service.write_all(&framed(&body)).await.is_err() {
                    break;
                }
            }
            Err(reply) => {
                eprintln!("charter: ignoring a malformed message: {}", reply["error"]["message"]);
                let _ = replies.send(framed(reply.to_string().as_bytes()));
            }
        }
    }
    let _ = service.shutdown().await;
}

/// Copies the service's frames, whole, to the output channel.
pub async fn forward_output(output: impl AsyncRead + Unpin, frames: mpsc::UnboundedSender<Vec<u8>>) {
    let mut output = BufReader::new(output);
    while let Some(Frame::Body(body)) = read_frame(&mut output).await {
        if frames.send(framed(&body)).is_err() {
            break;
        }
    }
}

/// Writes frames to stdout one at a time, so that they never interleave.
pub async fn write_frames(mut stdout: impl AsyncWrite + Unpin, mut frames: mpsc::UnboundedReceiver<Vec<u8>>) {
    while let Some(frame) = frames.recv().await {
        if stdout.write_all(&frame).await.is_err() || stdout.flush().await.is_err() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_json_rpc_messages_pass() {
        assert!(check(br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#).is_ok());
        assert!(check(br#"{"jsonrpc":"2.0","method":"exit"}"#).is_ok());
        assert!(check(br#"{"jsonrpc":"2.0","id":"a","result":null}"#).is_ok());
        assert_eq!(check(b"{invalid}").unwrap_err()["error"]["code"], -32700);
        assert_eq!(check(br#"{"hello":1}"#).unwrap_err()["error"]["code"], -32600);
        assert_eq!(
            check(br#"{"jsonrpc":"2.0","id":{"x":1},"method":"m"}"#).unwrap_err()["id"],
            Value::Null
        );
        assert_eq!(
            check(br#"[{"jsonrpc":"2.0","method":"m"}]"#).unwrap_err()["error"]["code"],
            -32600
        );
    }

    #[tokio::test]
    async fn frames_are_read_after_a_broken_one() {
        let input: &[u8] = b"Content-Length: 2\r\n\r\n{}Content-Type: x\r\n\r\nContent-Length: 3\r\n\r\n[1]";
        let mut reader = BufReader::new(input);
        assert!(matches!(read_frame(&mut reader).await, Some(Frame::Body(b)) if b == b"{}"));
        assert!(matches!(read_frame(&mut reader).await, Some(Frame::NoLength)));
        assert!(matches!(read_frame(&mut reader).await, Some(Frame::Body(b)) if b == b"[1]"));
        assert!(read_frame(&mut reader).await.is_none());
    }
}
