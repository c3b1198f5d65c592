"""A real HTTP receiver on 127.0.0.1 for webhook tests: records every request, answers what the test
says (a status per request, or holds requests until released)."""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    at: float
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    answer: Callable[[int], int]  # request number (1-based) -> status
    release: threading.Event = field(default_factory=threading.Event)
    hold_after: int | None = None  # requests after this number wait for `release`
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, condition: Callable[[list[Received]], bool], timeout_s: float = 30) -> list[Received]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self.lock:
                snapshot = list(self.requests)
            if condition(snapshot):
                return snapshot
            time.sleep(0.02)
        raise AssertionError(f"condition not met; received {len(self.requests)} requests")


@contextmanager
def receiving(answer: Callable[[int], int] = lambda n: 200, hold_after: int | None = None) -> Iterator[Receiver]:
    receiver = Receiver(url="", answer=answer, hold_after=hold_after)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            with receiver.lock:
                receiver.requests.append(Received(time.monotonic(), self.path, dict(self.headers.items()), body))
                number = len(receiver.requests)
            if receiver.hold_after is not None and number > receiver.hold_after:
                receiver.release.wait(30)
            self.send_response(receiver.answer(number))
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.release.set()
        server.shutdown()
        server.server_close()
