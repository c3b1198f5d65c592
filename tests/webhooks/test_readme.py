"""The README's verification snippets accept our signatures and refuse a forged body."""

import json
import re
import subprocess
import time
from pathlib import Path

import pytest

from reseau_api.core.config import PROJECT_ROOT
from reseau_api.webhooks import secrets, signing

SECTION = (PROJECT_ROOT / "README.md").read_text().split("## Staying in sync", 1)[1].split("\n## ", 1)[0]


def block(language: str, containing: str) -> str:
    return next(b for b in re.findall(rf"```{language}\n(.*?)```", SECTION, re.S) if containing in b)


def signed() -> tuple[str, dict[str, str], bytes]:
    secret = secrets.generate()
    body = json.dumps({"type": "lieu.retrait", "data": {"curseur": 7}}).encode()
    return secret, signing.headers(secret, "msg_42", int(time.time()), body), body


def test_the_python_snippet_verifies() -> None:
    secret, headers, body = signed()
    scope: dict = {"SECRET": secret}
    exec(block("python", "standardwebhooks"), scope)  # noqa: S102
    assert scope["receive"](body, headers) == {"type": "lieu.retrait", "data": {"curseur": 7}}
    with pytest.raises(Exception, match="No matching signature"):
        scope["receive"](body.replace(b"7", b"8"), headers)


def test_the_javascript_snippet_verifies(tmp_path: Path) -> None:
    """Node is already needed to build web/."""
    secret, headers, body = signed()
    (tmp_path / "verify.mjs").write_text(block("js", "timingSafeEqual"))
    (tmp_path / "run.mjs").write_text(f"""
import {{ verify }} from "./verify.mjs";
const headers = {json.dumps(headers)}, body = Buffer.from({json.dumps(body.decode())});
console.log(JSON.stringify(verify({json.dumps(secret)}, headers, body)));
try {{
  verify({json.dumps(secret)}, headers, Buffer.from(body.toString().replace("7", "8")));
  console.log("accepted");
}} catch (error) {{ console.log(error.message); }}
""")
    run = subprocess.run(["node", str(tmp_path / "run.mjs")],  # noqa: S603, S607
                         capture_output=True, text=True, check=True)
    assert run.stdout.splitlines() == [json.dumps(json.loads(body), separators=(",", ":")), "bad signature"]
