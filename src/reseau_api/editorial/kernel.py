"""The editorial use cases, written once: create, merge-patch, archive, moderate, restore.

A resource declares itself by subclassing `Editable` (model, schemas, workflow, hooks). The rules:
- Every change of an existing record names the version it applies to (`If-Match`). The row is locked
  (`SELECT … FOR UPDATE`) and its version compared inside the transaction, so of two concurrent writes
  with the same ETag exactly one wins; the other gets 412.
- A member's record starts in the workflow's pending state; an admin may create it public. A member's
  edit of a public record stays public (recorded in the history; the admins' queue lists it for review
  after the fact); editing a rejected record resubmits it when the workflow says so. Archived records
  are read-only until an admin publishes them again.
- Every stored change bumps `version` and writes a revision; a change that changes nothing stores
  nothing. Use cases commit once; `store()` and `insert()` only flush (the import commits its file once).
- Freshness and provenance: a creation, edit, restore or confirmation written with a key sets
  `verified_at` (an import does not: its data is as fresh as its source); a confirmation changes no field
  and not `updated_at`. Every field a change sets gets its provenance stamped (role `membre`/`admin`, or
  `import` with the import's source, and the date); a restore brings back, for the fields it restores,
  the provenance recorded with that version.
"""

import uuid
from abc import ABC, abstractmethod
from typing import Any, ClassVar, Generic, Protocol, TypeVar, cast

from pydantic import BaseModel, ValidationError
from pydantic_core import to_jsonable_python
from sqlalchemy import ARRAY, Text, func, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.auth import Member
from reseau_api.core.errors import Conflict, InvalidBody, NotFound, PreconditionFailed
from reseau_api.editorial import history, queue, slugs
from reseau_api.editorial.preconditions import IfMatch, merge_patch
from reseau_api.editorial.schemas import ModerationDecision
from reseau_api.editorial.states import Workflow


class Record(Protocol):
    """What the kernel reads and writes on every editable row: the `Versioned` columns, `slug` and the
    state (a synonym where the column has another name). Properties, so that mapped attributes match."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def slug(self) -> str: ...
    @slug.setter
    def slug(self, value: str) -> None: ...
    @property
    def state(self) -> Any: ...
    @state.setter
    def state(self, value: Any) -> None: ...
    @property
    def organisation_id(self) -> uuid.UUID | None: ...
    @organisation_id.setter
    def organisation_id(self, value: uuid.UUID | None) -> None: ...
    @property
    def version(self) -> int: ...
    @version.setter
    def version(self, value: int) -> None: ...


# mypy wrongly rejects mapped classes against this bound in class bases (python/mypy#20317):
# `Editable[Place]` in the domains, whose errors are not reported yet.
M = TypeVar("M", bound=Record)


class Editable(ABC, Generic[M]):
    """The declaration of an editable resource. Subclasses set the class attributes and the hooks."""

    kind: ClassVar[str]  # `objet` in the queue: "lieu", "bonne_pratique"
    noun: ClassVar[str]  # in messages: "place", "good practice"
    name: ClassVar[str]  # in operation ids: create_<name>, list_<name>_revisions
    path: ClassVar[str]  # "/lieux"
    tag: ClassVar[str]  # OpenAPI tag
    model: ClassVar[type[Any]]
    revision: ClassVar[type[Any]]
    workflow: ClassVar[Workflow]
    state_field: ClassVar[str]  # the state's API name: in history reads and `changes`
    write_schema: ClassVar[type[BaseModel]]
    patch_schema: ClassVar[type[BaseModel]]
    read_schema: ClassVar[type[BaseModel]]
    revision_read_schema: ClassVar[type[BaseModel]]
    revision_page_schema: ClassVar[type[BaseModel]]
    not_found: ClassVar[type[NotFound]]
    slug_fallback: ClassVar[str]  # the slug of a record whose name has no letter or digit
    baseline: ClassVar[bool] = False  # record the current state before the first change (imported data)
    # The moderation queue's SQL: the table, its revision table and foreign key, the title column and
    # an expression for the record's departments (`r` is the record's alias).
    table: ClassVar[str]
    revision_table: ClassVar[str]
    revision_fk: ClassVar[str]
    title_column: ClassVar[str]
    state_column: ClassVar[str]
    revision_state_column: ClassVar[str]
    departments_sql: ClassVar[str]
    # The record's own contact points (email, phone) as SQL on `r`, for the admins' chase list.
    contact_sql: ClassVar[tuple[str, str]] = ("NULL::text", "NULL::text")
    # SQL of the records flagged for an admin's look, `(subject_id, flagged_at)`: while pending they are in
    # the queue (`doublon`) whoever wrote them, the import included. None: nothing flags this resource.
    flags_sql: ClassVar[str | None] = None

    # --- hooks ---
    async def get(self, session: AsyncSession, key: str) -> M | None:
        """By UUID or slug, whatever its state (visibility is checked by the caller)."""
        try:
            condition = self.model.id == uuid.UUID(key)
        except ValueError:
            condition = self.model.slug == key
        return (await session.execute(select(self.model).where(condition))).scalar_one_or_none()

    @abstractmethod
    async def representation(self, session: AsyncSession, obj: M) -> dict[str, Any]:
        """The record as write-schema fields, JSON-ready: what a patch applies to, what history stores."""

    @abstractmethod
    async def apply(self, session: AsyncSession, obj: M, data: Any, *, actor: Member | None) -> None:
        """Copy validated content onto the row (and its links); raise InvalidBody for what the schema
        cannot check alone. Flushes what it needs."""

    def new(self, data: Any) -> M:
        """A new, empty row (`apply` then fills its content)."""
        return cast(M, self.model())

    @abstractmethod
    def slug_parts(self, data: Any) -> list[str | None]:
        """What the slug is made of (e.g. name, then commune)."""

    def on_state(self, obj: M, state: str, reason: str | None) -> None:
        """After a state change (practices keep the rejection reason and the first publication date)."""

    def extra_changes(self, before: M | None, obj: M) -> dict[str, list[Any]]:
        """Server-managed fields other than the state that a change may move, for `changes`."""
        return {}

    async def check(self, session: AsyncSession, obj: M, data: Any | None, *, state: str, new: bool) -> None:
        """Rules over the other records, checked before anything of a change is applied (e.g. an identifier
        unique among public records): raise a Conflict. `obj` is the record as stored (a blank one when
        `new`), `data` the content it will have (None: unchanged), `state` the state it will be in."""

    async def after_insert(self, session: AsyncSession, obj: M, data: Any) -> None:
        """After a new record is flushed (places record the possible duplicates of a pending one)."""

    async def possible_duplicates(self, session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Any]]:
        """For the queue: the flagged possible duplicates of these records, as `DuplicateRef` dicts."""
        return {}

    @abstractmethod
    async def to_read(self, session: AsyncSession, obj: M) -> BaseModel:
        """The wire representation returned by every write route."""

    # --- derived ---
    def etag(self, obj: Any) -> str:
        """Strong ETag of the record: it changes exactly when `version` does."""
        return f'"{obj.id}-v{obj.version}"'

    def can_see(self, member: Member | None, obj: Any) -> bool:
        return self.workflow.is_public(obj.state) or (member is not None and member.owns(obj.organisation_id))

    def validate(self, data: dict[str, Any]) -> Any:
        """A full representation through every rule of the write schema; 422 naming each bad field."""
        try:
            return self.write_schema.model_validate(data)
        except ValidationError as exc:
            raise InvalidBody([
                {"in": "body", "pointer": "/" + "/".join(str(p) for p in err["loc"]), "detail": err["msg"]}
                for err in exc.errors()
            ]) from exc


class Stale(PreconditionFailed):
    def __init__(self, res: Editable[Any], obj: Any) -> None:
        tag = res.etag(obj)
        super().__init__(
            f"The {res.noun} changed since your copy: it is at version {obj.version} (ETag {tag})."
            " Fetch it, reapply your change, and send the new ETag.",
            headers={"ETag": tag}, extra={"version_actuelle": obj.version},
        )


class Archived(Conflict):
    def __init__(self, res: Editable[Any]) -> None:
        super().__init__(f"This {res.noun} is archived and read-only; an admin can publish it again.")


class ModerationConflict(Conflict):
    pass


class RevisionNotFound(NotFound):
    def __init__(self, res: Editable[Any], version: int) -> None:
        super().__init__(f"This {res.noun} has no recorded version {version}.")


# --- building blocks (flush only) ---

# Actions that mean "someone with a key looked at this record and stands by it" (verified_at).
VERIFYING = frozenset({"creation", "modification", "restauration", "confirmation"})


def _role(actor: Member | None, source: str | None) -> str:
    if source is not None:
        return "import"
    return actor.role if actor is not None else "admin"  # no key: the operators' command line


def _stamp(res: Editable[Any], fields: list[str], actor: Member | None, source: str | None) -> Any:
    """SQL: the record's provenance with `fields` stamped now (the statement's `now()`, as updated_at)."""
    stamp = func.provenance_stamp(sql_cast(sorted(fields), ARRAY(Text)), _role(actor, source), source)
    return res.model.provenance.op("||")(stamp)


def _verifies(action: str, actor: Member | None, source: str | None) -> bool:
    return action in VERIFYING and actor is not None and source is None


async def insert(
    session: AsyncSession, res: Editable[M], data: Any, *, actor: Member | None, state: str,
    organisation_id: uuid.UUID | None, reason: str | None = None, imported_from: str | None = None,
    **columns: Any,
) -> M:
    """Insert a record with its creation revision. A record the public will not see yet gets a slug
    that says nothing about other hidden records (see slugs.py). `imported_from`: an import's source, for
    the provenance of the fields it sets."""
    obj = res.new(data)
    obj.state, obj.organisation_id = state, organisation_id
    for column, value in columns.items():
        setattr(obj, column, value)
    fields = list(history.creation_changes(cast(BaseModel, data).model_dump(mode="json")))
    stamp = func.provenance_stamp(sql_cast(sorted(fields), ARRAY(Text)), _role(actor, imported_from), imported_from)
    cast(Any, obj).provenance = stamp  # SQL, evaluated in the INSERT (the statement's now())
    if _verifies("creation", actor, imported_from):
        cast(Any, obj).verified_at = func.now()
    obj.slug = await slugs.allocate(session, res.model, res.slug_parts(data), public=res.workflow.is_public(state),
                                    fallback=res.slug_fallback)
    res.on_state(obj, state, None)
    await res.check(session, obj, data, state=state, new=True)
    # Filled before it joins the session, so that a refusal (422) leaves nothing pending; `apply` may add
    # and flush it itself when it needs the row (links to other tables).
    await res.apply(session, obj, data, actor=actor)
    session.add(obj)
    await session.flush()
    await session.refresh(obj)
    await res.after_insert(session, obj, data)
    snapshot = await res.representation(session, obj)
    changes = history.creation_changes(snapshot)
    changes[res.state_field] = [None, obj.state]
    await history.record(session, res, obj, snapshot, action="creation", actor=actor, changes=changes,
                         reason=reason)
    return obj


async def lock(
    session: AsyncSession, res: Editable[M], obj: Any, if_match: IfMatch | None, *, archived_ok: bool = False,
) -> M:
    """The record, row-locked until commit, at the version the client named (else 412). The import,
    which names no version, passes None."""
    locked: M = (await session.execute(
        select(res.model).where(res.model.id == obj.id).with_for_update()
        .execution_options(populate_existing=True)
    )).scalar_one()
    if if_match is not None and not if_match.matches(res.etag(locked)):
        raise Stale(res, locked)
    if locked.state == res.workflow.archived and not archived_ok:
        raise Archived(res)
    return locked


async def store(
    session: AsyncSession, res: Editable[M], obj: M, *, actor: Member | None, action: str,
    data: Any = None, state: str | None = None, reason: str | None = None, state_reason: str | None = None,
    always: bool = False, slug: str | None = None, imported_from: str | None = None,
    provenance: dict[str, Any] | None = None,
) -> M:
    """Apply validated content and/or a state to a locked record; new version + revision when something
    changed (or `always`, for a decision that changes no field). `imported_from`: an import's source (the
    fields' provenance says `import`); `provenance`: the entries to give the changed fields instead of a
    new stamp (a restore). Flushes."""
    if res.baseline:
        await history.ensure_baseline(session, res, obj)
    old, old_state = await res.representation(session, obj), obj.state
    await res.check(session, obj, data, state=state if state is not None else old_state, new=False)
    before = _copy_extra(res, obj)
    old_slug = before.slug
    if data is not None:
        await res.apply(session, obj, data, actor=actor)
    if state is not None:
        obj.state = state
        res.on_state(obj, state, state_reason)
    if slug is not None:
        obj.slug = slug
    await session.flush()
    await session.refresh(obj)
    new = await res.representation(session, obj)
    content = history.diff(old, new)
    changes = dict(content)
    if obj.state != old_state:
        changes[res.state_field] = [old_state, obj.state]
    changes.update(res.extra_changes(before, obj))
    if obj.slug != old_slug:
        changes["slug"] = [old_slug, obj.slug]
    if changes or always:
        row = cast(Any, obj)  # SQL values below, which mapped attributes' types do not admit
        obj.version = obj.version + 1
        if action != "confirmation":  # a confirmation says the data is still right: it is not an update
            row.updated_at = func.now()
        if _verifies(action, actor, imported_from):
            row.verified_at = func.now()
        if content and provenance is not None:
            kept = {k: v for k, v in (row.provenance or {}).items() if k not in content}
            row.provenance = {**kept, **{k: provenance[k] for k in content if k in provenance}}
        elif content:
            row.provenance = _stamp(res, list(content), actor, imported_from)
        await session.flush()
        await session.refresh(obj)
        if action == "confirmation":
            changes["verifie_le"] = [_iso(before.verified_at), _iso(row.verified_at)]
        await history.record(session, res, obj, new, action=action, actor=actor, changes=changes, reason=reason)
    return obj


def _iso(moment: Any) -> Any:
    return to_jsonable_python(moment)  # as the reads write it ("…Z")


def _copy_extra(res: Editable[Any], obj: Any) -> Any:
    """A detached copy of the row's server-managed values, for `extra_changes`."""
    copy = res.model()
    for column in res.model.__table__.columns:
        if column.key in obj.__dict__:
            copy.__dict__[column.key] = obj.__dict__[column.key]
    return copy


# --- use cases (one commit each) ---


async def create(
    session: AsyncSession, res: Editable[M], data: Any, *, actor: Member, organisation_id: uuid.UUID | None,
    publish: bool,
) -> M:
    wf = res.workflow
    obj = await insert(session, res, data, actor=actor, state=wf.public if publish else wf.pending,
                       organisation_id=organisation_id)
    await session.commit()
    return obj


async def update(
    session: AsyncSession, res: Editable[M], obj: Any, patch: dict[str, Any], *, actor: Member, if_match: IfMatch,
) -> M:
    """Merge `patch` onto the current version, validate the result as a whole, store it."""
    locked = await lock(session, res, obj, if_match)
    data = res.validate(merge_patch(await res.representation(session, locked), patch))
    resubmit = not actor.is_admin and locked.state in res.workflow.resubmit_from
    stored = await store(session, res, locked, actor=actor, action="modification", data=data,
                         state=res.workflow.pending if resubmit else None)
    await session.commit()
    return stored


async def archive(session: AsyncSession, res: Editable[M], obj: Any, *, actor: Member, if_match: IfMatch) -> M:
    """Soft delete: the record leaves every public view; the record and its history stay."""
    locked = await lock(session, res, obj, if_match)
    stored = await store(session, res, locked, actor=actor, action="archivage", state=res.workflow.archived)
    await session.commit()
    return stored


async def moderate(
    session: AsyncSession, res: Editable[M], obj: Any, decision: ModerationDecision, *, actor: Member,
    if_match: IfMatch,
) -> M:
    """`publier`: make the named version public (also un-archives); on a public record edited since its
    last review, it records that the edits were reviewed. `rejeter`: hide a pending or public record."""
    wf = res.workflow
    locked = await lock(session, res, obj, if_match, archived_ok=True)
    if decision.decision == "publier":
        if locked.state == wf.public:
            if not await queue.awaiting_review(session, res, locked.id):
                raise ModerationConflict(f"This {res.noun} is already published.")
            stored = await store(session, res, locked, actor=actor, action="moderation", reason=decision.motif,
                                 always=True)
        else:  # a record going public may now take the plain slug its draft could not reveal
            content = res.validate(await res.representation(session, locked))
            slug = await slugs.on_publish(session, res.model, locked, res.slug_parts(content), res.slug_fallback)
            stored = await store(session, res, locked, actor=actor, action="moderation", state=wf.public,
                                 reason=decision.motif, slug=slug)
    else:
        if locked.state not in wf.rejectable:
            raise ModerationConflict(f"A {res.noun} in state {locked.state!r} cannot be rejected.")
        stored = await store(session, res, locked, actor=actor, action="moderation", state=wf.rejected,
                             reason=decision.motif, state_reason=decision.motif)
    await session.commit()
    return stored


async def confirm(session: AsyncSession, res: Editable[M], obj: Any, *, actor: Member, if_match: IfMatch) -> M:
    """The owner or an admin says the record is still accurate: `verified_at` becomes now, recorded as
    a `confirmation` revision (new version, so the ETag changes); no field and not `updated_at` change."""
    locked = await lock(session, res, obj, if_match)
    stored = await store(session, res, locked, actor=actor, action="confirmation", always=True)
    await session.commit()
    return stored


async def restore(
    session: AsyncSession, res: Editable[M], obj: Any, version: int, *, actor: Member, if_match: IfMatch,
) -> M:
    """Make an earlier version's content current again, as a new version (state unchanged)."""
    revision = await history.get_revision(session, res, obj.id, version)
    if revision is None:
        raise RevisionNotFound(res, version)
    locked = await lock(session, res, obj, if_match)
    try:
        data = res.write_schema.model_validate(revision.snapshot)
        stored = await store(session, res, locked, actor=actor, action="restauration", data=data,
                             reason=f"restauration de la version {version}",
                             provenance=revision.provenance)
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) or "/" for e in exc.errors())
        raise Conflict(f"Version {version} no longer passes today's rules ({fields}).") from exc
    except InvalidBody as exc:
        fields = ", ".join(e.get("pointer", "/") for e in exc.errors or []) or "/"
        raise Conflict(f"Version {version} no longer passes today's rules ({fields}).") from exc
    await session.commit()
    return stored
