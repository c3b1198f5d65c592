"""Logs escape control characters (issue #14 item 9): a path with %0A cannot forge a log line and one
with %1B cannot drive the terminal that shows the log."""

import json
from collections.abc import Iterator

import httpx
import pytest

from reseau_api.core.config import get_settings
from reseau_api.core.observability import configure_logging

FORGED = "/v1/lieux/x%0A2026-12-01 10:00:00,000 ERROR reseau_api.access forged%1B[2J%C2%9B\\"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    yield
    configure_logging(get_settings().log_format, get_settings().log_level)


async def test_plain_access_log_is_one_escaped_line(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str], restore_logging: None,
) -> None:
    configure_logging("plain", "info")  # its handler writes to the captured stderr
    response = await client.get(FORGED)
    assert response.status_code == 404
    (line,) = [entry for entry in capsys.readouterr().err.splitlines() if "reseau_api.access" in entry]
    assert "GET /v1/lieux/x\\x0a2026-12-01 10:00:00,000 ERROR reseau_api.access forged\\x1b[2J\\x9b\\\\ 404" in line
    assert not any(ch in line for ch in "\x1b\x9b\r")


async def test_json_access_log_escapes_what_json_leaves_raw(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str], restore_logging: None,
) -> None:
    configure_logging("json", "info")
    await client.get(FORGED)
    (line,) = [entry for entry in capsys.readouterr().err.splitlines() if '"reseau_api.access"' in entry]
    entry = json.loads(line)
    assert entry["path"] == "/v1/lieux/x\\x0a2026-12-01 10:00:00,000 ERROR reseau_api.access forged\\x1b[2J\\x9b\\\\"
    assert "\x9b" not in line and "\x1b" not in line
