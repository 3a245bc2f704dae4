"""A token service for registries that want bearer tokens (Docker's token auth flow).

The registry (distribution's ``silly`` access controller) answers 401 with
``WWW-Authenticate: Bearer realm=...,service=...,scope=...``; a client then asks this
service for a token with its user and password (basic auth), and repeats the request
with ``Authorization: Bearer TOKEN``. ``silly`` accepts any token, so this service is
where the password is checked. It records every request it gets.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class TokenRequest:
    service: str
    scope: str
    user: str | None


@dataclass
class TokenServer:
    username: str
    password: str
    requests: list[TokenRequest] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    failures_left: int = 0  # answer this many requests with 503 first
    send_no_token: bool = False
    pull_only: bool = False  # refuse tokens for push, as a read-only token would

    @property
    def realm(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/token"

    def start(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                query = parse_qs(urlsplit(self.path).query)
                user, password = _basic(self.headers.get("Authorization", ""))
                owner.requests.append(
                    TokenRequest(
                        query.get("service", [""])[0], " ".join(query.get("scope", [])), user
                    )
                )
                if owner.failures_left > 0:
                    owner.failures_left -= 1
                    self._reply(503, {"errors": [{"code": "UNAVAILABLE", "message": "try later"}]})
                    return
                if (user, password) != (owner.username, owner.password):
                    self._reply(
                        401, {"errors": [{"code": "UNAUTHORIZED", "message": "bad credentials"}]}
                    )
                    return
                if owner.send_no_token:
                    self._reply(200, None)
                    return
                if owner.pull_only and "push" in " ".join(query.get("scope", [])):
                    error = {"code": "DENIED", "message": "this token may only pull"}
                    self._reply(403, {"errors": [error]})
                    return
                token = secrets.token_urlsafe(24)
                self._reply(200, {"token": token, "access_token": token, "expires_in": 300})

            def _reply(self, status: int, document: dict[str, object] | None) -> None:
                body = b"no JSON here" if document is None else json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def _basic(header: str) -> tuple[str | None, str | None]:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        user, _, password = base64.b64decode(value).decode().partition(":")
    except ValueError:
        return None, None
    return user, password
