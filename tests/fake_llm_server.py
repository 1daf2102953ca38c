"""A local OpenAI-compatible endpoint (POST /v1/chat/completions) for the language-model backends
of xinfang/analysis/backends/llm.py, on a free port of 127.0.0.1 in a thread. It answers every
request with `content` as the first choice's message (or with `status`), and keeps each request's
body and headers for the test to read. With `truncated`, the answer breaks off before its
announced length (a connection lost mid-answer)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeModelServer:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.content = "{}"
        self.status = 200
        self.truncated = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                server.requests.append({"path": self.path, **json.loads(body)})
                server.headers.append(dict(self.headers))
                message = {"role": "assistant", "content": server.content}
                answer = json.dumps(
                    {"object": "chat.completion", "choices": [{"index": 0, "message": message}]}
                )
                data = answer.encode()
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data) + (100 if server.truncated else 0)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def answer(self, data: object, *, fenced: bool = False) -> None:
        """Answer with this object as JSON text (inside a ```json fence, as some models write it)."""
        text = json.dumps(data, ensure_ascii=False)
        self.content = f"```json\n{text}\n```" if fenced else text

    def __enter__(self) -> "FakeModelServer":
        self.thread.start()
        return self

    def __exit__(self, *args: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
