"""Headless Chromium driven over the DevTools protocol (a websocket): load a page, wait until a script
condition holds, read values from the page, take a screenshot. Only the loopback is ever contacted.

`python -m tests.geo.browser URL OUT.png` writes a screenshot of a page once the map says it is drawn
(how docs/carte.png is made, against `make run`).
"""

import base64
import contextlib
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.sync.client import connect

CHROMIUM_NAMES = ("chromium", "chromium-browser")


def chromium_path() -> str:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError("chromium is not installed: `apt-get install chromium` (scripts/install.sh does it as root)")


class Browser:
    def __init__(self, width: int = 1000, height: int = 700) -> None:
        self.profile = Path(tempfile.mkdtemp(prefix="reseau-chromium-"))
        self.process = subprocess.Popen(  # noqa: S603
            [
                chromium_path(), "--headless", "--no-sandbox", "--no-first-run", "--disable-quic",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
                # WebGL without a GPU: ANGLE on SwiftShader (software), which MapLibre needs.
                "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
                # No name resolves but the loopback's: a page that reaches for another origin fails.
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
                f"--user-data-dir={self.profile}", "--remote-debugging-port=0",
                f"--window-size={width},{height}", "about:blank",
            ],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self._ids = itertools.count(1)
        self._stack = contextlib.ExitStack()
        try:
            port = self._devtools_port()
            page = next(t for t in httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=5).json()
                        if t["type"] == "page")
            self.ws = self._stack.enter_context(
                connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=10))
            self.call("Page.enable")
            # Every Content-Security-Policy violation of the pages loaded, for the tests to assert on.
            self.call("Page.addScriptToEvaluateOnNewDocument", source=(
                "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', "
                "e => window.__cspViolations.push(e.effectiveDirective + ' ' + e.blockedURI));"))
            self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                      mobile=False)
        except BaseException:
            self.close()
            raise

    def _devtools_port(self) -> int:
        marker = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chromium exited with {self.process.returncode}")
            if marker.exists() and marker.read_text().strip():
                return int(marker.read_text().split()[0])
            time.sleep(0.05)
        raise RuntimeError("chromium did not open its DevTools port within 20 s")

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        message_id = next(self._ids)
        self.ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=30))
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def goto(self, url: str) -> None:
        self.call("Page.navigate", url=url)

    def csp_violations(self) -> list[str]:
        return self.evaluate("window.__cspViolations")

    def resources(self) -> list[str]:
        """Every URL the page loaded (or tried to), itself included."""
        return self.evaluate("[location.href, ...performance.getEntriesByType('resource').map(e => e.name)]")

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout_s: float = 30) -> Any:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"timed out after {timeout_s}s waiting for {expression}; "
                             f"page says: {self.evaluate('JSON.stringify(document.body && document.body.dataset)')}")

    def screenshot(self) -> bytes:
        return base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])

    def close(self) -> None:
        self._stack.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


if __name__ == "__main__":
    url, out = sys.argv[1], Path(sys.argv[2])
    with Browser() as browser:
        browser.goto(url)
        browser.wait_for("document.body && document.body.dataset.pret === '1'")
        time.sleep(0.5)
        out.write_bytes(browser.screenshot())
        print(f"{out}: {browser.evaluate('document.body.dataset.lieux')} places drawn")
