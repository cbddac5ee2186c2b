//! Which message bodies go on to the protocol service, and the JSON-RPC error for the rest.
//!
//! tower-lsp-server decodes each body as its crate-private `jsonrpc::Message` (a `Response`,
//! else a `Request`) and stops reading input at the first body that does not decode, which
//! ends the server. So a body is judged by decoding it exactly that way first: whatever passes
//! here decodes there. On top of that, a request must name a method and give structured
//! `params`, as JSON-RPC 2.0 asks; the protocol layer would take those too, but answer them
//! with a less telling error or none.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::{Id, Request, Response};

/// tower-lsp-server's `jsonrpc::Message`, variant for variant: the same derive over the same
/// public types, so that it accepts exactly the bodies the protocol layer accepts.
#[derive(Deserialize)]
#[serde(untagged)]
enum Message {
    // Decoded only to judge the body: what the client answered is the protocol layer's to read.
    Response(#[allow(dead_code)] Response),
    Request(Request),
}

/// JSON-RPC 2.0's codes for a body that is not JSON, and for JSON that is not a valid message.
pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;

/// `Ok` when the protocol service can take `body`; else the error response to send instead.
pub fn check(body: &[u8]) -> Result<(), Value> {
    // As tower-lsp-server's codec reads a body: UTF-8 first, then JSON.
    let text = std::str::from_utf8(body).map_err(|e| {
        let message = format!(
            "message is not UTF-8 (invalid byte at {}); send message bodies as UTF-8",
            e.valid_up_to()
        );
        error(PARSE_ERROR, &message, Id::Null)
    })?;
    match serde_json::from_str::<Message>(text) {
        Ok(_) if !text.trim_start().starts_with('{') => Err(not_a_message(text)),
        Ok(Message::Response(_)) => Ok(()),
        Ok(Message::Request(request)) => check_request(&request),
        Err(e) if e.is_data() => Err(not_a_message(text)),
        Err(e) => Err(error(
            PARSE_ERROR,
            &format!("message is not JSON ({e}); send one JSON-RPC 2.0 object per message"),
            Id::Null,
        )),
    }
}

/// A decoded request still needs a method (a missing one decodes as empty) and, if it has
/// `params`, an object or an array (or `null`, which clients send for `shutdown`).
fn check_request(request: &Request) -> Result<(), Value> {
    let id = request.id().cloned().unwrap_or(Id::Null);
    let what = describe(request.method(), request.id());
    if request.method().is_empty() {
        let message = format!(
            "{what} has no `method`, and no `result` or `error` that would make it a response; send a JSON-RPC 2.0 request, notification or response"
        );
        return Err(error(INVALID_REQUEST, &message, id));
    }
    match request.params() {
        None | Some(Value::Object(_) | Value::Array(_) | Value::Null) => Ok(()),
        Some(other) => {
            let message = format!("{what} has `params` {other}; send them as an object or an array");
            Err(error(INVALID_REQUEST, &message, id))
        }
    }
}

/// The error for JSON that does not decode as a message: why, with the id it answers (`null`
/// when the message has none, or one that is neither an integer in `i64` range nor a string).
fn not_a_message(text: &str) -> Value {
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return error(INVALID_REQUEST, "message is not a JSON-RPC 2.0 message", Id::Null);
    };
    let Some(object) = value.as_object() else {
        let message = if value.is_array() {
            "message is a batch (a JSON array), which the Language Server Protocol does not use; send each message on its own"
        } else {
            "message is not a JSON object; send a JSON-RPC 2.0 request, notification or response"
        };
        return error(INVALID_REQUEST, message, Id::Null);
    };
    let method = object.get("method").and_then(Value::as_str).unwrap_or_default();
    let raw_id = object.get("id");
    match raw_id.map(|raw| Id::deserialize(raw).map_err(|_| raw)) {
        Some(Err(raw)) => {
            let what = kind(method, true);
            let written = written_id(text).unwrap_or_else(|| raw.to_string());
            let message = format!(
                "{what} has id {written}, which is neither a string nor an integer from {} to {}, so it cannot be answered by its id; give it an integer or a string id",
                i64::MIN,
                i64::MAX
            );
            error(INVALID_REQUEST, &message, Id::Null)
        }
        id => {
            let id = id.and_then(Result::ok);
            let what = describe(method, id.as_ref());
            let message = format!(
                "{what} is not a JSON-RPC 2.0 request, notification or response ({}); {}",
                why_not(text, object),
                "see https://www.jsonrpc.org/specification#request_object"
            );
            error(INVALID_REQUEST, &message, id.unwrap_or(Id::Null))
        }
    }
}

/// The message's id as its text writes it: a number beyond `u64` reads back from a `Value`
/// as a float (`1.8446744073709552e19`), which is not what the client sent.
fn written_id(text: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Head<'a> {
        #[serde(borrow)]
        id: Option<&'a RawValue>,
    }
    let head: Head<'_> = serde_json::from_str(text).ok()?;
    Some(head.id?.get().to_owned())
}

/// What the decoder said about the kind of message `object` looks like.
fn why_not(text: &str, object: &serde_json::Map<String, Value>) -> String {
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return String::from("`jsonrpc` must be \"2.0\"");
    }
    let looks_like_response = !object.contains_key("method");
    let decoded = if looks_like_response {
        serde_json::from_str::<Response>(text).map(drop)
    } else {
        serde_json::from_str::<Request>(text).map(drop)
    };
    match decoded {
        Err(e) => e.to_string(),
        Ok(()) => String::from("it does not decode as a message"),
    }
}

/// "request `m` (id 3)", "notification `m`", or "message (id 3)" when it names no method.
fn describe(method: &str, id: Option<&Id>) -> String {
    let id = id.map(|id| format!(" (id {id})")).unwrap_or_default();
    format!("{}{id}", kind(method, !id.is_empty()))
}

/// "request `m`" (with an id), "notification `m`" (without), or "message" (no method).
fn kind(method: &str, has_id: bool) -> String {
    match (method.is_empty(), has_id) {
        (true, _) => String::from("message"),
        (false, true) => format!("request `{method}`"),
        (false, false) => format!("notification `{method}`"),
    }
}

pub fn error(code: i64, message: &str, id: Id) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejected(body: &str) -> (i64, Value, String) {
        let reply = check(body.as_bytes()).expect_err(body);
        let message = reply["error"]["message"].as_str().unwrap().to_owned();
        (reply["error"]["code"].as_i64().unwrap(), reply["id"].clone(), message)
    }

    #[test]
    fn requests_notifications_and_responses_pass() {
        for body in [
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#,
            r#"{"jsonrpc":"2.0","method":"exit"}"#,
            r#"{"jsonrpc":"2.0","id":"a","result":null}"#,
            r#"{"jsonrpc":"2.0","id":null,"error":{"code":-1,"message":"no"}}"#,
            r#"{"jsonrpc":"2.0","id":9223372036854775807,"method":"shutdown","params":null}"#,
            r#"{"jsonrpc":"2.0","id":-9223372036854775808,"method":"m","params":[]}"#,
        ] {
            assert_eq!(check(body.as_bytes()), Ok(()), "{body}");
        }
    }

    #[test]
    fn ids_the_protocol_layer_cannot_hold_are_invalid_requests_answered_with_a_null_id() {
        for id in [
            "1.5",
            "18446744073709551616",
            "9223372036854775808",
            "1.0",
            "true",
            "{}",
        ] {
            let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"textDocument/hover","params":{{}}}}"#);
            let (code, reply_id, message) = rejected(&body);
            assert_eq!((code, reply_id), (INVALID_REQUEST, Value::Null), "{body}");
            assert!(
                message.starts_with(&format!("request `textDocument/hover` has id {id}, which is neither")),
                "{message}"
            );
            assert!(message.ends_with("give it an integer or a string id"), "{message}");
        }
        let (_, _, message) = rejected(r#"{"jsonrpc":"2.0","id":2.5,"result":null}"#);
        assert!(message.starts_with("message has id 2.5"), "{message}");
    }

    #[test]
    fn json_that_is_not_a_message_is_an_invalid_request_naming_its_id() {
        // Duplicate keys: a JSON value keeps the last, the protocol layer's decoder refuses.
        let (code, id, message) = rejected(r#"{"jsonrpc":"2.0","id":1,"id":2,"method":"m"}"#);
        assert_eq!((code, id), (INVALID_REQUEST, json!(2)));
        assert!(
            message.contains("request `m` (id 2)") && message.contains("duplicate field `id`"),
            "{message}"
        );
        let (code, id, message) = rejected(r#"{"jsonrpc":"1.0","id":"x","method":"m"}"#);
        assert_eq!((code, id), (INVALID_REQUEST, json!("x")));
        assert!(message.contains("`jsonrpc` must be \"2.0\""), "{message}");
        let (code, id, message) = rejected(r#"{"jsonrpc":"2.0","id":3,"error":5}"#);
        assert_eq!((code, id), (INVALID_REQUEST, json!(3)));
        assert!(message.starts_with("message (id 3) has no `method`"), "{message}");
        let (code, id, message) = rejected(r#"{"jsonrpc":"2.0","id":4,"method":"m","params":7}"#);
        assert_eq!((code, id), (INVALID_REQUEST, json!(4)));
        assert_eq!(
            message,
            "request `m` (id 4) has `params` 7; send them as an object or an array"
        );
        // A struct decodes from an array too; a message never is one.
        for body in [r#"["2.0","exit"]"#, r#"[{"jsonrpc":"2.0","method":"initialized"}]"#] {
            let (code, id, message) = rejected(body);
            assert_eq!((code, id), (INVALID_REQUEST, Value::Null), "{body}");
            assert!(message.contains("batch"), "{message}");
        }
        assert_eq!(rejected(r#"{"hello":1}"#).0, INVALID_REQUEST);
    }

    #[test]
    fn bodies_that_are_not_json_are_parse_errors() {
        for body in [&b"{invalid}"[..], b"", b"{\"jsonrpc\":\"2.0\",\"method\":\"\xff\"}"] {
            let reply = check(body).expect_err("not JSON");
            assert_eq!(
                (reply["error"]["code"].as_i64(), &reply["id"]),
                (Some(PARSE_ERROR), &Value::Null)
            );
        }
        let lone_surrogate = br#"{"jsonrpc":"2.0","method":"m","params":["\ud800"]}"#;
        assert_eq!(check(lone_surrogate).unwrap_err()["error"]["code"], PARSE_ERROR);
    }
}
