#!/usr/bin/env python3
"""Drives a language server through one LSP session on the hostile workspace that
workspace-safety.sh builds:

    lsp-session.py WORKSPACE STDERR_FILE -- COMMAND...

Indexing must end; the YAML that looks like includes and URLs must get its diagnostics;
watched-file events for entries that are not regular files (a FIFO, a socket, /dev/zero, a
10 GB sparse file, link loops) and closing a document whose file on disk is a FIFO must not
block the server; it must still answer, then exit 0 after shutdown. Prints `ok:`/`FAIL:`
lines and exits 1 on any failure. The server's stderr goes to STDERR_FILE.
"""

import json
import os
import pathlib
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

TIMEOUT = 60  # seconds for any one answer: a debug build under strace is slow, a hang is not

failures = 0


def check(ok, what):
    global failures
    print(("ok: " if ok else "FAIL: ") + what, flush=True)
    failures += 0 if ok else 1
    return ok


def uri(path):
    return "file://" + urllib.parse.quote(os.path.abspath(path))


class Server:
    def __init__(self, command, stderr):
        # Its own process group, so that a hung server and its tracer can be killed together.
        self.proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, start_new_session=True
        )
        self.incoming = queue.Queue()
        self.next_id = 1
        threading.Thread(target=self.read, daemon=True).start()

    def kill(self):
        os.killpg(self.proc.pid, signal.SIGKILL)

    def read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.incoming.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            self.incoming.put(json.loads(out.read(length)))

    def send(self, message):
        body = json.dumps(dict(message, jsonrpc="2.0")).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method, params):
        self.send({"method": method, "params": params})

    def wait(self, what, match):
        """The first message for which `match` holds; the server's requests are answered."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                message = self.incoming.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError(f"no {what} within {TIMEOUT} s")
            if message is None:
                raise EOFError(f"the server closed its output before {what}")
            if "method" in message and "id" in message:
                self.send({"id": message["id"], "result": None})
            if match(message):
                return message

    def request(self, method, params):
        id_ = self.next_id
        self.next_id += 1
        self.send({"id": id_, "method": method, "params": params})
        response = self.wait(f"answer to {method}", lambda m: m.get("id") == id_ and "method" not in m)
        if "error" in response:
            raise RuntimeError(f"{method}: {response['error']}")
        return response.get("result")

    def open(self, doc, text):
        document = {"uri": doc, "languageId": "yaml", "version": 1, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": document})

    def publish(self, doc):
        return self.wait(
            f"diagnostics for {doc}",
            lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == doc,
        )["params"]["diagnostics"]


def main():
    ws, stderr_file, command = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[4:]
    assert sys.argv[3] == "--", __doc__
    with open(stderr_file, "wb") as stderr:
        server = Server(command, stderr)
        try:
            session(server, ws)
        except Exception as e:  # a hang, a closed pipe, an error response: one failure
            check(False, f"the session went wrong: {type(e).__name__}: {e}")
            server.kill()
        try:
            status = server.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            server.kill()
            status = "still running"
    check(status == 0, f"the server exits with status 0 after shutdown and exit (got {status})")
    return 1 if failures else 0


def session(server, ws):
    result = server.request(
        "initialize",
        {
            "processId": None,
            "rootUri": uri(ws),
            "workspaceFolders": [{"uri": uri(ws), "name": "hostile"}],
            "capabilities": {
                "window": {"workDoneProgress": True},
                "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}, "workspaceFolders": True},
            },
        },
    )
    check(result["serverInfo"]["name"] == "charter", "initialize answers")
    server.notify("initialized", {})
    server.wait(
        "the end of indexing",
        lambda m: m.get("method") == "$/progress" and m["params"]["value"].get("kind") == "end",
    )
    check(True, "indexing the hostile workspace ends")

    expected = {
        "evil.policy.yaml": "`extends` is `https://evil.example/base.policy.yaml`, not a policy reference",
        "evil.usecases.yaml": "`policy` is `../../../../etc/passwd`, not a policy reference",
    }
    for name, message in expected.items():
        doc = uri(ws / name)
        text = (ws / name).read_text()
        server.open(doc, text)
        found = [d for d in server.publish(doc) if d["code"] == "invalid-value" and message in d["message"]]
        check(bool(found), f"{name}: invalid-value saying {message!r}")

    # Watched-file events for what is not a regular file, and a close that goes back to disk.
    names = "fifo.policy.yaml sock.usecases.yaml zero.policy.yaml sparse.usecases.yaml self.policy.yaml ping.policy.yaml"
    changes = [{"uri": uri(ws / name), "type": 2} for name in names.split()]
    server.notify("workspace/didChangeWatchedFiles", {"changes": changes})
    fifo = uri(ws / "fifo.policy.yaml")
    server.open(fifo, "policy: fifo\n")
    server.notify("textDocument/didClose", {"textDocument": {"uri": fifo}})
    started = time.monotonic()
    evil = {"textDocument": {"uri": uri(ws / "evil.policy.yaml")}}
    symbols = server.request("textDocument/documentSymbol", evil)
    check(
        any(s["name"] == "r" for s in walk(symbols)),
        "still answers after watched-file events and a close for files that are not regular"
        f" ({time.monotonic() - started:.1f} s)",
    )
    check(server.request("shutdown", None) is None, "shutdown answers null")
    server.notify("exit", None)


def walk(symbols):
    for s in symbols or []:
        yield s
        yield from walk(s.get("children"))


if __name__ == "__main__":
    sys.exit(main())
