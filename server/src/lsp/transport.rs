//! Framing between stdio and the protocol service. tower-lsp-server's own transport stops at
//! the first message it cannot decode; this one reads each frame itself, answers a malformed
//! one with a JSON-RPC error and a line on stderr, and passes on only the messages the
//! service decodes ([`super::message::check`]), so that a bad message never takes the server
//! down.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::Id;

use super::message::{INVALID_REQUEST, PARSE_ERROR, check, error};

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
                let message = "message without a Content-Length header; frame each message as `Content-Length: N`, an empty line, and N bytes of body";
                let reply = error(PARSE_ERROR, message, Id::Null);
                let _ = replies.send(framed(reply.to_string().as_bytes()));
                continue;
            }
            Frame::TooLarge(length) => {
                let message = format!("message of {length} bytes is over the limit of {MAX_MESSAGE} bytes; skipped");
                eprintln!("charter: {message}");
                let _ = replies.send(framed(
                    error(INVALID_REQUEST, &message, Id::Null).to_string().as_bytes(),
                ));
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
                let why = reply["error"]["message"].as_str().unwrap_or_default();
                eprintln!("charter: ignoring a malformed message: {why}");
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
