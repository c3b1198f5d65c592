"""The `reseau-api` command: serve, local database, migrations, demo data, OpenAPI export, open data."""

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from reseau_api.ami.cli import app as ami_app
from reseau_api.core import cluster
from reseau_api.core.commands import fail
from reseau_api.core.config import PROJECT_ROOT, get_settings
from reseau_api.members.cli import keys_app, organisations_app
from reseau_api.opendata import cli as opendata_cli
from reseau_api.webhooks import cli as webhooks_cli

app = typer.Typer(
    help="reseau-api: directory of the Occitanie tiers-lieux network.", no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The project-local PostgreSQL cluster (.data/pg). Ignored when DATABASE_URL is set.")
app.add_typer(db_app, name="db")
app.add_typer(ami_app, name="ami")
app.add_typer(organisations_app, name="organisations")
app.add_typer(keys_app, name="cles")
app.add_typer(opendata_cli.lieux_app, name="lieux")
app.command("export")(opendata_cli.export)
app.add_typer(webhooks_cli.webhooks_app, name="webhooks")
app.command("worker")(webhooks_cli.worker)


@db_app.command("up")
def db_up() -> None:
    """Start (initialising if needed) the local cluster and create the `reseau` database."""
    settings = get_settings()
    if not settings.uses_local_cluster:
        typer.echo("DATABASE_URL is set: using it, no local cluster started.")
        return
    try:
        state = cluster.start(settings)
        cluster.create_database(settings, settings.db_name)
    except cluster.ClusterError as exc:
        fail(str(exc))
    typer.echo(f"PostgreSQL running on 127.0.0.1:{state.port}, data in {state.data_dir}")


@db_app.command("down")
def db_down() -> None:
    """Stop the local cluster (data is kept)."""
    state = cluster.stop(get_settings())
    typer.echo(f"PostgreSQL {'still running' if state.running else 'stopped'} ({state.data_dir})")


@db_app.command("status")
def db_status() -> None:
    """Tell whether the local cluster runs, where and on which port."""
    settings = get_settings()
    if not settings.uses_local_cluster:
        typer.echo("DATABASE_URL is set: the local cluster is not used.")
        return
    state = cluster.status(settings)
    typer.echo(f"{'running' if state.running else 'stopped'} port={state.port} data={state.data_dir}")
    raise typer.Exit(0 if state.running else 3)


@app.command()
def migrate(revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Apply the database migrations (alembic upgrade)."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    command.upgrade(config, revision)


@app.command()
def seed(
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Only when no place is stored yet")] = False,
) -> None:
    """Load the demo data set (real Occitanie tiers-lieux of the 2019 census, and more)."""
    import asyncio

    from reseau_api.seed import load_demo_data

    loaded = asyncio.run(load_demo_data(only_if_empty=if_empty))
    typer.echo(loaded)


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    reload: bool = False,
) -> None:
    """Serve the API with uvicorn. With several workers, /metrics adds up every worker's counts (Prometheus
    multiprocess mode: each process writes its samples under PROMETHEUS_MULTIPROC_DIR, a fresh directory).
    Forwarded headers (client address, scheme) are believed only from RESEAU_TRUSTED_PROXIES."""
    import os
    import shutil
    import tempfile

    import uvicorn

    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        metrics_dir = tempfile.mkdtemp(prefix="reseau-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir  # inherited by the workers, read at import
    else:
        metrics_dir = None
    try:
        _run_uvicorn(uvicorn, host, port, workers, reload)
    finally:
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def _run_uvicorn(uvicorn: Any, host: str, port: int, workers: int, reload: bool) -> None:
    trusted = get_settings().trusted_proxies
    uvicorn.run(
        "reseau_api.main:app", host=host, port=port, workers=workers, reload=reload,
        access_log=False, proxy_headers=bool(trusted), forwarded_allow_ips=trusted or None, server_header=False,
        # A worker importing the app on a busy machine can miss uvicorn's 5 s ping and be killed in a loop.
        timeout_worker_healthcheck=30,
    )


@app.command()
def openapi(
    output: Annotated[Path, typer.Option(help="Where to write the document")] = PROJECT_ROOT
    / "openapi" / "openapi.json",
) -> None:
    """Write the OpenAPI document the app serves (committed in openapi/openapi.json)."""
    from reseau_api.main import app as fastapi_app

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(fastapi_app.openapi(), indent=2, ensure_ascii=False) + "\n")
    typer.echo(f"wrote {output}")


if __name__ == "__main__":  # pragma: no cover
    app()
