"""Static files of the HTML pages (web/src, web/dist), read once and served from memory with a strong
ETag: the middleware answers 304 and compresses each of them once (its cache is keyed on the ETag)."""

import hashlib
from functools import lru_cache
from pathlib import Path

from starlette.responses import Response

from reseau_api.core.errors import NotFound

ASSET_CACHE = "public, max-age=3600"


@lru_cache(maxsize=64)
def _load(path: Path) -> tuple[bytes, str]:
    body = path.read_bytes()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def asset_response(path: Path, media_type: str, name: str) -> Response:
    if not path.is_file():
        raise NotFound(f"Asset {name!r} is not built: run `make install` (npm ci && npm run build in web/).")
    body, etag = _load(path)
    return Response(body, media_type=media_type, headers={"Cache-Control": ASSET_CACHE, "ETag": etag})
