"""HTTP for every editable resource, written once: lookups, the editing routes, the queue and listings.

`editing_router(res)` serves create / patch / archive / moderate / history / restore under `res.path`
with today's paths and operation ids (`create_place`, `list_practice_revisions`…); `lookups(res)` gives
the `Visible…`/`Owned…` dependencies the domain's read routes reuse. Visibility: the public sees public
records; a member also sees its organisation's others; admins everything. What you may not see is a 404
exactly like a missing id (drafts do not leak); a visible record you do not own is a 403 for edits.
"""

import functools
import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response, status
from pydantic import BaseModel
from sqlalchemy import text

from reseau_api.core.auth import AdminMember, CurrentMember, OptionalMember, WriteMember
from reseau_api.core.db import SessionDep
from reseau_api.core.errors import Forbidden, InvalidParameter
from reseau_api.core.openapi import BODY_ID, IF_MATCH_ETAG, links, problem_responses
from reseau_api.core.pagination import link_header, next_url
from reseau_api.core.urls import public_url
from reseau_api.editorial import chase, history, kernel, queue
from reseau_api.editorial.kernel import Editable
from reseau_api.editorial.preconditions import IfMatch, if_match, merge_patch_body
from reseau_api.editorial.schemas import ChasePage, ModerationDecision, OwnPage, QueuePage
from reseau_api.shared.types import DepartmentCode

IfMatchDep = Annotated[IfMatch, Depends(if_match)]
PRIVATE = "private, no-store"
_ETAG_HEADER = {"ETag": {"description": 'The new version\'s ETag (`"<id>-v<version>"`), for the next `If-Match`',
                         "schema": {"type": "string"}}}
_WRITE_ERRORS = (400, 401, 403, 404, 409, 412, 428, 429)


@dataclass(frozen=True)
class Lookups:
    visible: Any  # Annotated[Model, Depends(...)]
    owned: Any


@functools.cache  # one dependency per resource, shared by its read and write routes
def lookups(res: Editable[Any]) -> Lookups:
    async def visible(
        id_or_slug: Annotated[str, Path(min_length=1, max_length=120, description="UUID or slug")],
        session: SessionDep, member: OptionalMember,
    ) -> Any:
        obj = await res.get(session, id_or_slug)
        if obj is None or not res.can_see(member, obj):
            raise res.not_found(id_or_slug)
        return obj

    visible.__name__ = f"visible_{res.name}"
    Visible: Any = Annotated[res.model, Depends(visible)]  # a runtime annotation, for FastAPI

    async def owned(member: CurrentMember, obj: Visible) -> Any:
        if not member.owns(obj.organisation_id):
            raise Forbidden(f"This {res.noun} belongs to another organisation.")
        return obj

    owned.__name__ = f"owned_{res.name}"
    return Lookups(Visible, Annotated[res.model, Depends(owned)])


async def _organisation_exists(session: SessionDep, organisation: uuid.UUID) -> bool:
    return bool((await session.execute(
        text("SELECT EXISTS (SELECT 1 FROM organisation WHERE id = :id)"), {"id": organisation}
    )).scalar_one())


def editing_router(res: Editable[Any]) -> APIRouter:
    """The write and history routes of one resource."""
    router = APIRouter(prefix=res.path, tags=[res.tag])
    found = lookups(res)
    Visible, Owned = found.visible, found.owned
    Write, Patch, Read, RevisionPage = res.write_schema, res.patch_schema, res.read_schema, res.revision_page_schema
    wf, noun = res.workflow, res.noun

    # Every write answers the record with its ETag: what the next call on it needs.
    record = {"id_or_slug": BODY_ID}
    current = {**record, **IF_MATCH_ETAG}
    follow = links({f"get_{res.name}": record, f"update_{res.name}": current, f"archive_{res.name}": current,
                    f"moderate_{res.name}": current, f"confirm_{res.name}": current,
                    f"list_{res.name}_revisions": record,
                    f"restore_{res.name}_revision": {**current, "version": "$response.body#/version"}})
    written = {"headers": _ETAG_HEADER, **follow}  # the 200 of every write on a record

    async def answer(session: SessionDep, response: Response, obj: Any) -> Any:
        response.headers["ETag"] = res.etag(obj)
        response.headers["Cache-Control"] = PRIVATE
        return await res.to_read(session, obj)

    async def create(
        member: WriteMember, data: Write, session: SessionDep, response: Response,  # type: ignore[valid-type]
        publier: Annotated[bool, Query(description=f"Admins only: publish at once instead of `{wf.pending}`")]
        = False,
        organisation: Annotated[uuid.UUID | None, Query(description="Admins only: the owning organisation")] = None,
    ) -> Any:
        if not member.is_admin and (publier or organisation is not None):
            name = "publier" if publier else "organisation"
            raise Forbidden(f"Only admins may set `{name}`: a member's {noun} belongs to its organisation "
                            "and is published after moderation.")
        owner = organisation if member.is_admin else member.organisation_id
        if organisation is not None and not await _organisation_exists(session, organisation):
            raise InvalidParameter("organisation", f"no organisation with id {organisation}")
        obj = await kernel.create(session, res, data, actor=member, organisation_id=owner, publish=publier)
        response.headers["Location"] = f"/v1{res.path}/{obj.id}"
        return await answer(session, response, obj)

    create.__doc__ = (
        f"Create a {noun}. A member's {noun} belongs to its organisation and waits for moderation "
        f"(`{wf.pending}`); an admin may name the owner (`organisation`) and publish at once (`publier=true`).\n\n"
        "Server-managed fields (`id`, `slug`, `organisation`, the state, `version`, dates…) cannot be sent: "
        "422 naming the field. A hidden record's slug ends with a random suffix (it says nothing about other "
        "hidden records); it takes the plain slug when published, if free.")
    router.add_api_route(
        "", create, methods=["POST"], name=f"create_{res.name}", response_model=Read,
        status_code=status.HTTP_201_CREATED, summary=f"Create a {noun}",
        responses={201: {"headers": {**_ETAG_HEADER, "Location": {"schema": {"type": "string"}}}, **follow},
                   **problem_responses(400, 401, 403, 429)},
    )

    async def update(
        member: WriteMember, obj: Owned, precondition: IfMatchDep, session: SessionDep,  # type: ignore[valid-type]
        response: Response,
        patch: Annotated[Patch, Body(media_type="application/merge-patch+json")],  # type: ignore[valid-type]
    ) -> Any:
        changes: dict[str, Any] = cast(BaseModel, patch).model_dump(exclude_unset=True, mode="json")
        return await answer(session, response,
                            await kernel.update(session, res, obj, changes, actor=member, if_match=precondition))

    update.__doc__ = (
        f"Change some fields of a {noun} (RFC 7396: `application/merge-patch+json` or `application/json`).\n\n"
        "Send `If-Match` with the ETag of the version you edit: missing → 428, stale → 412 (with the current "
        "version). The patch is merged onto the current version and the result is validated with every rule "
        f"of a creation. A member's change of a published {noun} is published at once, recorded in the "
        "history and listed in the admins' moderation queue for review (admins can restore an earlier "
        "version)" + (f"; a `{'`/`'.join(sorted(wf.resubmit_from))}` {noun} goes back to `{wf.pending}`."
                      if wf.resubmit_from else "."))
    router.add_api_route(
        "/{id_or_slug}", update, methods=["PATCH"], name=f"update_{res.name}", response_model=Read,
        summary=f"Edit a {noun} (JSON Merge Patch)", dependencies=[Depends(merge_patch_body)],
        responses={200: written, **problem_responses(*_WRITE_ERRORS, 415)},
    )

    async def archive(
        member: WriteMember, obj: Owned, precondition: IfMatchDep, session: SessionDep,  # type: ignore[valid-type]
        response: Response,
    ) -> Any:
        return await answer(session, response,
                            await kernel.archive(session, res, obj, actor=member, if_match=precondition))

    archive.__doc__ = (
        f"Archive a {noun} (soft delete, `If-Match` required): it leaves every public view, while the record "
        "and its history are kept; its owner and admins still see it. An admin can publish it again.")
    router.add_api_route(
        "/{id_or_slug}", archive, methods=["DELETE"], name=f"archive_{res.name}", response_model=Read,
        summary=f"Archive a {noun}",
        responses={200: written, **problem_responses(*_WRITE_ERRORS)},
    )

    async def moderate(
        member: AdminMember, obj: Visible, decision: ModerationDecision,  # type: ignore[valid-type]
        precondition: IfMatchDep, session: SessionDep, response: Response,
    ) -> Any:
        return await answer(session, response,
                            await kernel.moderate(session, res, obj, decision, actor=member, if_match=precondition))

    moderate.__doc__ = (
        f"Admins only. `publier` makes the version named by `If-Match` public (`{wf.public}`, also "
        f"un-archives); on a published {noun} in the moderation queue (`modifie`), it records that its edits "
        f"were reviewed. `rejeter` (with a `motif`, shown to the owner in the history) sends a "
        f"{'/'.join(sorted(wf.rejectable))} {noun} to `{wf.rejected}`.")
    router.add_api_route(
        "/{id_or_slug}/moderation", moderate, methods=["POST"], name=f"moderate_{res.name}", response_model=Read,
        summary=f"Publish or reject a {noun}",
        responses={200: written, **problem_responses(*_WRITE_ERRORS)},
    )

    async def confirm(
        member: WriteMember, obj: Owned, precondition: IfMatchDep, session: SessionDep,  # type: ignore[valid-type]
        response: Response,
    ) -> Any:
        return await answer(session, response,
                            await kernel.confirm(session, res, obj, actor=member, if_match=precondition))

    confirm.__doc__ = (
        f"The owner (or an admin) confirms that the {noun} is still accurate, without changing it: "
        "`verifie_le` becomes now and its `fraicheur` `a_jour`; no field and not `maj_le` change. Recorded in "
        "the history as a `confirmation` (new version: send `If-Match`, missing → 428, stale → 412); not "
        "queued for moderation. An archived record cannot be confirmed (409).")
    router.add_api_route(
        "/{id_or_slug}/confirmation", confirm, methods=["POST"], name=f"confirm_{res.name}", response_model=Read,
        summary=f"Confirm that a {noun} is still accurate",
        responses={200: {"headers": _ETAG_HEADER}, **problem_responses(*_WRITE_ERRORS)},
    )

    async def list_revisions(
        obj: Owned, session: SessionDep, request: Request, response: Response,  # type: ignore[valid-type]
        limit: Annotated[int, Query(ge=1, le=100, description="Page size")] = 50,
        avant: Annotated[int | None, Query(ge=1, le=1_000_000_000, description="Only versions older than this one")]
        = None,
    ) -> Any:
        items = await history.list_revisions(session, res, cast(kernel.Record, obj).id, limit=limit, before=avant)
        next_link = (str(public_url(request).include_query_params(limit=limit, avant=items[-1].version))
                     if len(items) == limit and items[-1].version > 1 else None)
        response.headers["Cache-Control"] = PRIVATE
        return RevisionPage(items=items, next=next_link)

    list_revisions.__doc__ = (
        "Every recorded change, newest first: version, date, author (key prefix, role, organisation; none for "
        "the command line or an import), action, state, reason, and each changed field with its old and new "
        "value. For the owning organisation's members and admins.")
    router.add_api_route(
        "/{id_or_slug}/historique", list_revisions, methods=["GET"], name=f"list_{res.name}_revisions",
        response_model=RevisionPage, summary=f"History of a {noun}", responses=problem_responses(400, 401, 403, 404),
    )

    async def restore(
        member: AdminMember, obj: Visible, precondition: IfMatchDep, session: SessionDep,  # type: ignore[valid-type]
        response: Response,
        version: Annotated[int, Path(ge=1, le=1_000_000_000, description="The version to bring back")],
    ) -> Any:
        return await answer(session, response,
                            await kernel.restore(session, res, obj, version, actor=member, if_match=precondition))

    restore.__doc__ = (
        "Admins only. The content of `version` becomes current again, as a new version (recorded as a "
        "`restauration`); the state is unchanged. `If-Match` names the version it replaces. A version that "
        "no longer passes today's rules is a 409.")
    router.add_api_route(
        "/{id_or_slug}/historique/{version}/restauration", restore, methods=["POST"],
        name=f"restore_{res.name}_revision", response_model=Read, summary=f"Restore an earlier version of a {noun}",
        responses={200: written, **problem_responses(*_WRITE_ERRORS)},
    )
    return router


def _page_headers(response: Response, link: str | None) -> None:
    response.headers["Cache-Control"] = PRIVATE
    response.headers.update(link_header(link))


def queue_router(resources: list[Editable[Any]]) -> APIRouter:
    """`GET /v1/moderation` over every resource, and `GET /v1/moi/<path>` for each."""
    router = APIRouter(tags=["moderation"])
    Kind = Literal[tuple(r.kind for r in resources)]  # type: ignore[valid-type]

    async def list_moderation_queue(
        member: AdminMember, session: SessionDep, request: Request, response: Response,
        objet: Annotated[list[Kind] | None, Query(description="Kind of record (repeatable: any of)")] = None,  # type: ignore[valid-type]
        raison: Annotated[list[Literal["nouveau", "modifie", "doublon"]] | None, Query(
            description="`nouveau`: awaits publication; `modifie`: published, edited by a member since its "
                        "last review; `doublon`: awaits publication and may duplicate another listing "
                        "(repeatable: any of)")] = None,
        departement: Annotated[list[DepartmentCode] | None, Query(
            description="A place's department, or that of one of a practice's places (repeatable: any of)")] = None,
        limit: Annotated[int, Query(ge=1, le=100, description="Page size")] = 50,
        curseur: Annotated[str | None, Query(max_length=512, description="Opaque cursor from a `next` link")] = None,
    ) -> QueuePage:
        """Admins only. What needs a decision or a look, oldest first: records awaiting publication
        (`nouveau`), published records edited by members since an admin last reviewed them (`modifie`), and
        records awaiting publication that may duplicate another listing (`doublon`, whoever created them,
        imports included; `doublons_possibles` links the other listings), each with its diff since the
        reviewed version, the author of the latest change, its age and the ETag to decide with. Decide
        through `POST …/moderation` (`publier` on a `modifie` item = reviewed) or restore an earlier
        version; either takes it out of the queue."""
        filters = queue.QueueFilters(kinds=list(objet or []), reasons=list(raison or []),
                                     departments=list(departement or []))
        items, total, capped, cursor = await queue.moderation_page(session, resources, filters, limit=limit,
                                                                   cursor=curseur)
        link = next_url(request, cursor) if cursor else None
        _page_headers(response, link)
        return QueuePage.model_validate({"items": items, "total": total, "total_estime": capped, "next": link})

    router.add_api_route("/moderation", list_moderation_queue, methods=["GET"], response_model=QueuePage,
                         summary="Moderation queue (admins)", responses=problem_responses(400, 401, 403))
    by_kind = {r.kind: r for r in resources}

    async def list_records_to_chase(
        member: AdminMember, session: SessionDep, request: Request,
        objet: Annotated[Kind, Query(description="Kind of record")] = resources[0].kind,  # type: ignore[valid-type]
        fraicheur: Annotated[list[Literal["a_verifier", "obsolete"]] | None, Query(
            description="Freshness (repeatable: any of); default both", max_length=2)] = None,
        departement: Annotated[list[DepartmentCode] | None, Query(
            description="A place's department, or that of one of a practice's places (repeatable: any of)",
            max_length=20)] = None,
        limit: Annotated[int, Query(ge=1, le=1000, description="Page size")] = 100,
        curseur: Annotated[str | None, Query(max_length=512, description="Opaque cursor from a `next` link")] = None,
        f: Annotated[Literal["json", "csv"], Query(description="Output format")] = "json",
    ) -> Any:
        """Admins only. Published records whose owners should confirm them (`a_verifier`: never verified
        or not within RESEAU_FRAICHEUR_A_VERIFIER_JOURS; `obsolete`: not within
        RESEAU_FRAICHEUR_OBSOLETE_JOURS), never verified first, then the oldest verification, each with the
        owning organisation's contact points and the record's own, for a reminder campaign. `f=csv`: the
        same page as CSV (UTF-8 with BOM, formula-like cells neutralised); pages follow the `Link` header."""
        items, total, capped, cursor = await chase.page(
            session, by_kind[objet], statuses=list(fraicheur or []), departments=list(departement or []),
            limit=limit, cursor=curseur)
        link = next_url(request, cursor) if cursor else None
        headers = {"Cache-Control": PRIVATE, **link_header(link)}
        if f == "csv":
            return Response(chase.csv_body(items), media_type="text/csv; charset=utf-8", headers={
                **headers, "Content-Disposition": f'attachment; filename="a-relancer-{objet}.csv"'})
        body = ChasePage.model_validate({"items": items, "total": total, "total_estime": capped, "next": link})
        return Response(body.model_dump_json(), media_type="application/json", headers=headers)

    router.add_api_route(
        "/moderation/a-relancer", list_records_to_chase, methods=["GET"], response_model=ChasePage,
        summary="Listings to chase for a confirmation (admins)",
        responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
                   **problem_responses(400, 401, 403)})
    for res in resources:
        router.add_api_route(f"/moi{res.path}", _own_listing(res), methods=["GET"], response_model=OwnPage,
                             name=f"list_my_{res.name}s", summary=f"My organisation's {res.noun}s, in every state",
                             responses=problem_responses(400, 401, 403))
    return router


def _own_listing(res: Editable[Any]) -> Any:
    State = Literal[tuple(s.value for s in res.workflow.states)]  # type: ignore[valid-type]

    async def listing(
        member: CurrentMember, session: SessionDep, request: Request, response: Response,
        etat: Annotated[list[State] | None, Query(description="State (repeatable: any of); default all")] = None,  # type: ignore[valid-type]
        organisation: Annotated[uuid.UUID | None, Query(
            description="Admins: only this organisation's; a member may only name its own")] = None,
        limit: Annotated[int, Query(ge=1, le=100, description="Page size")] = 50,
        curseur: Annotated[str | None, Query(max_length=512, description="Opaque cursor from a `next` link")] = None,
    ) -> OwnPage:
        if not member.is_admin and organisation is not None and organisation != member.organisation_id:
            raise Forbidden("A member lists its own organisation's records only.")
        owner = organisation if member.is_admin else member.organisation_id
        items, total, capped, cursor = await queue.own_page(
            session, res, organisation=owner, states=list(etat or []), limit=limit, cursor=curseur)
        link = next_url(request, cursor) if cursor else None
        _page_headers(response, link)
        return OwnPage.model_validate({"items": items, "total": total, "total_estime": capped, "next": link})

    listing.__doc__ = (
        f"The caller's organisation's {res.noun}s in every state (drafts, rejected and archived included), "
        "newest change first, each with its ETag, the rejection reason while rejected, and whether it is in "
        f"the admins' moderation queue. Admins see every organisation's (filter with `organisation`).")
    return listing
