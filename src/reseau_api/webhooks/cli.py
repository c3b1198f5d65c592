"""`reseau-api webhooks …` (subscriptions, through the same use cases as the API) and `reseau-api worker`."""

import uuid
from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api import models  # noqa: F401  (every mapper configured)
from reseau_api.core.commands import fail, run_in_session
from reseau_api.webhooks import service
from reseau_api.webhooks.schemas import EVENTS, WebhookCreate, WebhookPatch

webhooks_app = typer.Typer(help="Webhook subscriptions: create (secret shown once), list, enable, delete.",
                           no_args_is_help=True)


@webhooks_app.command("create")
def create(
    url: Annotated[str, typer.Argument(help="https:// URL of the receiver")],
    evenement: Annotated[list[str] | None, typer.Option(help=f"Repeatable; default all: {', '.join(EVENTS)}")] = None,
    description: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Register a subscription; prints its id and its signing secret (shown only now)."""
    try:
        data = WebhookCreate(url=url, description=description, **({"evenements": evenement} if evenement else {}))
    except ValidationError as exc:
        fail("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))
        return
    sub, secret = run_in_session(lambda session: service.create(session, data))
    typer.echo(f"id: {sub.id}\nsecret: {secret}\n(store the secret now: it is not shown again)")


@webhooks_app.command("list")
def list_() -> None:
    """One line per subscription: id, active, consecutive failures, events, URL."""
    for sub in run_in_session(service.list_all):
        typer.echo(f"{sub.id}  {'actif' if sub.active else 'inactif'}  echecs={sub.consecutive_failures}  "
                   f"{','.join(sub.events)}  {sub.url}")


@webhooks_app.command("enable")
def enable(webhook_id: uuid.UUID, disable: Annotated[bool, typer.Option("--disable")] = False) -> None:
    """Re-enable a subscription (or disable it with --disable)."""
    async def use_case(session: AsyncSession) -> None:
        await service.update(session, await service.get(session, webhook_id), WebhookPatch(actif=not disable))

    run_in_session(use_case)
    typer.echo(f"{webhook_id} {'disabled' if disable else 'enabled'}")


@webhooks_app.command("delete")
def delete(webhook_id: uuid.UUID) -> None:
    async def use_case(session: AsyncSession) -> None:
        await service.delete(session, await service.get(session, webhook_id))

    run_in_session(use_case)
    typer.echo(f"{webhook_id} deleted")


def worker() -> None:
    """Run the worker: numbers the change feed, purges it past the retention, delivers webhooks."""
    from reseau_api.webhooks.worker import main

    main()
