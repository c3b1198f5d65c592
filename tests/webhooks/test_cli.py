"""`reseau-api webhooks …`: the operator's commands, through the same use cases as the admin API."""

import asyncio
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker
from typer.testing import CliRunner

from reseau_api.cli import app as cli_app
from reseau_api.core import db
from reseau_api.core.config import get_settings
from reseau_api.webhooks import service

runner = CliRunner()


async def test_create_list_disable_delete_and_refusals(test_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = db.make_engine(get_settings(), test_database, pooled=False)
    monkeypatch.setattr(db, "engine", engine)
    monkeypatch.setattr(db, "SessionLocal", async_sessionmaker(engine, expire_on_commit=False))

    async def cli(*args: str, code: int = 0) -> str:
        result = await asyncio.to_thread(runner.invoke, cli_app, list(args))
        assert result.exit_code == code, result.output
        return result.output.strip()

    # Loopback is refused unless RESEAU_WEBHOOK_ALLOW_LOCAL_TARGETS: the message, exit 1, nothing stored.
    refused = await cli("webhooks", "create", "https://127.0.0.1/hook", code=1)
    assert "127.0.0.1" in refused and "Traceback" not in refused
    assert "https://127.0.0.1/hook" not in await cli("webhooks", "list")
    assert await cli("webhooks", "create", "ftp://example.org/hook", code=1) == \
        "This URL cannot receive webhooks: it must be an https:// URL."

    local = get_settings().model_copy(update={"webhook_allow_local_targets": True})
    monkeypatch.setattr(service, "get_settings", lambda: local)
    url = f"http://127.0.0.1:9/hook-{uuid.uuid4().hex[:6]}"
    created = await cli("webhooks", "create", url, "--evenement", "lieu.publication")
    lines = created.splitlines()
    webhook_id = uuid.UUID(lines[0].removeprefix("id: "))
    assert lines[1].startswith("secret: whsec_") and "not shown again" in lines[2]
    try:
        listed = [line for line in (await cli("webhooks", "list")).splitlines() if line.startswith(str(webhook_id))]
        assert listed == [f"{webhook_id}  actif  echecs=0  lieu.publication  {url}"]
        assert lines[1].removeprefix("secret: ") not in await cli("webhooks", "list")
        assert await cli("webhooks", "enable", str(webhook_id), "--disable") == f"{webhook_id} disabled"
        assert f"{webhook_id}  inactif" in await cli("webhooks", "list")
        assert await cli("webhooks", "delete", str(webhook_id)) == f"{webhook_id} deleted"
        # A domain error is its message and exit code 1, not a traceback.
        assert await cli("webhooks", "delete", str(webhook_id), code=1) == f"No webhook subscription {webhook_id}."
    finally:
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM webhook_subscription WHERE id = :id"), {"id": webhook_id})
        await engine.dispose()
