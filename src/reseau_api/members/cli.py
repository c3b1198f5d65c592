"""`reseau-api organisations …` and `reseau-api cles …`: bootstrap the first admin key, manage keys.

The CLI talks to the database directly (whoever runs it operates the server), so it is how the first
admin key is made; after that, admins create organisations and member keys through the API.
"""

import uuid
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api import models  # noqa: F401  (every mapper configured)
from reseau_api.core.commands import fail, run_in_session
from reseau_api.members import service
from reseau_api.members.schemas import OrganisationWrite

organisations_app = typer.Typer(help="Member organisations of the network.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys: create (shown once), list, revoke.", no_args_is_help=True)



@organisations_app.command("create")
def create_organisation(
    nom: Annotated[str, typer.Option(help="Name")],
    forme_juridique: Annotated[str, typer.Option(help="association, sas, scic, commune, epci, … or autre")],
    nature: Annotated[str, typer.Option(help="public, prive or associatif")],
    siren: Annotated[str | None, typer.Option(help="9-digit SIREN")] = None,
    email: Annotated[str | None, typer.Option(help="Contact e-mail (organisation-level)")] = None,
    telephone: Annotated[str | None, typer.Option(help="Contact phone")] = None,
    site_web: Annotated[str | None, typer.Option(help="Website")] = None,
    membre_depuis: Annotated[str | None, typer.Option(help="Joined the network on (YYYY-MM-DD)")] = None,
) -> None:
    """Register an organisation; prints its id."""
    fields: dict[str, Any] = {
        "nom": nom, "forme_juridique": forme_juridique, "nature": nature, "siren": siren,
        "contact": {"email": email, "telephone": telephone, "site_web": site_web},
        "membre_depuis": membre_depuis,
    }
    try:
        data = OrganisationWrite.model_validate(fields)
    except ValidationError as exc:
        fail("\n".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))
        return
    org = run_in_session(lambda session: service.create(session, data))
    typer.echo(org.id)


@organisations_app.command("list")
def list_organisations() -> None:
    """List organisations: id, legal form, name."""
    async def use_case(session: AsyncSession) -> list[Any]:
        orgs, _ = await service.list_page(session, limit=10_000, offset=0)
        return orgs

    for org in run_in_session(use_case):
        typer.echo(f"{org.id}  {org.legal_form:<20} {org.name}")


@keys_app.command("create")
def create_key(
    admin: Annotated[bool, typer.Option("--admin", help="An admin key (network animators)")] = False,
    organisation: Annotated[str | None, typer.Option(help="Organisation id, for a member key")] = None,
    libelle: Annotated[str, typer.Option(help="What the key is for / who holds it")] = "cle creee en ligne de commande",
) -> None:
    """Create a key and print it on stdout, once: only its hash is stored."""
    if admin == (organisation is not None):
        fail("Give either --admin or --organisation <id>.")
    org_id: uuid.UUID | None = None
    if organisation is not None:
        try:
            org_id = uuid.UUID(organisation)
        except ValueError:
            fail(f"Not an organisation id: {organisation!r}")

    async def use_case(session: AsyncSession) -> Any:
        if org_id is not None and await service.get(session, org_id) is None:
            return None
        return await service.issue_key(
            session, role="admin" if admin else "membre", label=libelle[:120], organisation_id=org_id,
        )

    created = run_in_session(use_case)
    if created is None:
        fail(f"No organisation with id {org_id}.")
    typer.secho(f"prefix {created.prefixe}, role {created.role}. Store the key now: it is not shown again.",
                err=True)
    typer.echo(created.cle)


@keys_app.command("list")
def list_keys(
    organisation: Annotated[str | None, typer.Option(help="Organisation id (default: the admin keys)")] = None,
) -> None:
    """List keys (prefix, role, state, last use), never the secrets."""
    org_id = uuid.UUID(organisation) if organisation else None
    for key in run_in_session(lambda session: service.list_keys(session, org_id)):
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
        typer.echo(f"{key.prefix}  {key.role:<6} {state:<18} last used {used:<16}  {key.label}")


@keys_app.command("revoke")
def revoke_key(key: Annotated[str, typer.Argument(help="The key's prefix or id")]) -> None:
    """Revoke a key at once."""
    async def use_case(session: AsyncSession) -> Any:
        found = await service.find_key(session, key)
        return None if found is None else await service.revoke_key(session, found, by=None)

    revoked = run_in_session(use_case)
    if revoked is None:
        fail(f"No key with prefix or id {key!r}.")
    typer.echo(f"revoked {revoked.prefix}")
