"""The command line bootstraps the first admin key; keys it prints work, are listed, and can be revoked."""

import asyncio
import uuid

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from typer.testing import CliRunner

from reseau_api.cli import app as cli_app
from reseau_api.core import db
from reseau_api.core.config import get_settings
from tests.members.factories import auth, committed_client, purge

runner = CliRunner()


async def test_bootstrap_an_admin_then_work_through_the_api(
    test_database: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = db.make_engine(get_settings(), test_database, pooled=False)
    monkeypatch.setattr(db, "engine", engine)
    monkeypatch.setattr(db, "SessionLocal", async_sessionmaker(engine, expire_on_commit=False))

    async def cli(*args: str) -> str:
        result = await asyncio.to_thread(runner.invoke, cli_app, list(args))
        assert result.exit_code == 0, result.output
        return result.stdout.strip()

    org_ids: list[uuid.UUID] = []
    prefixes: list[str] = []
    async with committed_client(test_database) as (client, sessions):
        try:
            org_ids.append(uuid.UUID(await cli(
                "organisations", "create", "--nom", "Réseau test CLI", "--forme-juridique", "association",
                "--nature", "associatif", "--siren", "552032534",
            )))
            admin_key = await cli("cles", "create", "--admin", "--libelle", "animatrice")
            prefixes.append(admin_key.split("_")[1])
            member_key = await cli("cles", "create", "--organisation", str(org_ids[0]))
            assert (await client.get("/v1/cles/moi", headers=auth(admin_key))).json()["role"] == "admin"
            me = (await client.get("/v1/cles/moi", headers=auth(member_key))).json()
            assert me["organisation"] == str(org_ids[0])
            listing = await cli("cles", "list", "--organisation", str(org_ids[0]))
            assert me["prefixe"] in listing
            assert member_key.split("_", 2)[2] not in listing
            assert "Réseau test CLI" in await cli("organisations", "list")
            assert await cli("cles", "revoke", me["prefixe"]) == f"revoked {me['prefixe']}"
            assert (await client.get("/v1/cles/moi", headers=auth(member_key))).status_code == 401
            bad = await asyncio.to_thread(runner.invoke, cli_app, ["organisations", "create", "--nom", "X",
                                                                   "--forme-juridique", "gie", "--nature", "public"])
            assert bad.exit_code == 1
            assert "forme_juridique" in bad.output
            neither = await asyncio.to_thread(runner.invoke, cli_app, ["cles", "create"])
            assert neither.exit_code == 1
        finally:
            await purge(sessions, org_ids, prefixes)
            await engine.dispose()
