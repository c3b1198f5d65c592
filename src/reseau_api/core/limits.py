"""Request guards, before any parsing: no NUL byte in the URL (PostgreSQL text cannot hold one),
and a cap on the body size, enforced before the body is read into memory."""

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reseau_api.core.errors import PayloadTooLarge, problem_body


class RequestGuardMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int, large_bodies: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_body_bytes
        self.large_bodies = large_bodies or {}  # path -> its own cap (file uploads)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if b"%00" in scope.get("query_string", b"") or "\x00" in scope["path"]:
            await self._refuse(scope, send, 400, "The URL contains a NUL byte (%00), which no parameter accepts.",
                               errors=[{"in": "query", "name": "*", "detail": "NUL byte"}])
            return
        if scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        cap = self.large_bodies.get(scope["path"], self.max_bytes)
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and (not value.isdigit() or int(value) > cap):
                await self._refuse(scope, send, 413, self._too_large(cap))
                return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    raise PayloadTooLarge(self._too_large(cap))
            return message

        await self.app(scope, counting_receive, send)

    @staticmethod
    def _too_large(cap: int) -> str:
        return f"The request body exceeds {cap} bytes."

    async def _refuse(self, scope: Scope, send: Send, status: int, detail: str, **extra: object) -> None:
        body = orjson.dumps(problem_body(status, detail, instance=scope["path"], **extra))  # type: ignore[arg-type]
        await send({
            "type": "http.response.start", "status": status,
            "headers": [(b"content-type", b"application/problem+json"),
                        (b"content-length", str(len(body)).encode())],
        })
        await send({"type": "http.response.body", "body": body})
