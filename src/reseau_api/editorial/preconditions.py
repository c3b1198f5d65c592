"""`If-Match` preconditions and JSON Merge Patch (RFC 7396), for every editable resource."""

import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Header, Request

from reseau_api.core.errors import PreconditionRequired, ReseauError

MERGE_PATCH_TYPES = ("application/merge-patch+json", "application/json")
MAX_TAGS = 20
# A detail's ETag may carry a digest after the version (a place's `"<id>-v3.bp-<hash>"`, which changes
# with its good practices): edits are about the record's own version, so the suffix is dropped.
_SUFFIXED = re.compile(r'^"(.+-v\d+)\.[^"]*"$')


class IfMatchMissing(PreconditionRequired):
    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail or "Send `If-Match` with the record's current ETag (from GET or your last write).")


class UnsupportedMediaType(ReseauError):
    status, slug = 415, "media-non-supporte"


def _edit_tag(tag: str) -> str:
    tag = tag.strip().removeprefix("W/")
    match = _SUFFIXED.match(tag)
    return f'"{match.group(1)}"' if match else tag


@dataclass(frozen=True)
class IfMatch:
    """The entity tags an `If-Match` header lists. A weak form (`W/"…"`) of the current tag is accepted
    too: a compressing proxy may weaken ETags, and the version it names is what matters."""

    tags: frozenset[str]

    @classmethod
    def parse(cls, header: str | None) -> "IfMatch":
        if header is None or not header.strip():
            raise IfMatchMissing()
        if header.strip() == "*":
            raise IfMatchMissing("`If-Match: *` does not protect against lost updates: send the record's ETag.")
        return cls(frozenset(_edit_tag(tag) for tag in header.split(",")[:MAX_TAGS]))

    def matches(self, etag: str) -> bool:
        return etag in self.tags


async def if_match(
    header: Annotated[str | None, Header(
        alias="If-Match", description='The ETag of the version you edit, e.g. `"v3"` (from GET or your last write)',
    )] = None,
) -> IfMatch:
    return IfMatch.parse(header)


async def merge_patch_body(request: Request) -> None:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in MERGE_PATCH_TYPES:
        raise UnsupportedMediaType(
            f"Send the patch as {' or '.join(MERGE_PATCH_TYPES)} (RFC 7396 JSON Merge Patch), "
            f"not {media_type or 'without Content-Type'}."
        )


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON Merge Patch: objects merge recursively, `null` removes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result
