"""POST /v1/imports checks the key before it reads the body (issue #14 item 4): an anonymous or bogus
10 MB upload is refused having read none of it, an admin's is read and processed."""

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.members.factories import make_key, make_organisation

CHUNK = b"x" * (1024 * 1024)
BOUNDARY = "limite"


class Upload:
    """A 10 MB multipart body, produced on demand: counts how much of it the server pulled."""

    def __init__(self) -> None:
        self.chunks_read = 0

    async def stream(self) -> AsyncIterator[bytes]:
        head = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="fichier"; filename="big.csv"\r\n'
                "Content-Type: text/csv\r\n\r\n").encode()
        for index in range(10):
            self.chunks_read += 1
            yield (head if index == 0 else b"") + CHUNK[: len(CHUNK) - (len(head) if index == 0 else 0)]
        yield f"\r\n--{BOUNDARY}--\r\n".encode()


HEADERS = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


@pytest.mark.parametrize("who", ["anonymous", "bogus key", "member key"])
async def test_an_upload_without_an_admin_key_is_refused_unread(
    client: httpx.AsyncClient, session: AsyncSession, who: str,
) -> None:
    headers = dict(HEADERS)
    if who == "bogus key":
        headers["Authorization"] = "Bearer rsx_abcdefgh_" + "x" * 43
    elif who == "member key":
        headers["Authorization"] = f"Bearer {await make_key(session, await make_organisation(session))}"
    upload = Upload()
    response = await client.post("/v1/imports", content=upload.stream(), headers=headers)
    assert response.status_code == (403 if who == "member key" else 401)
    assert response.headers["content-type"] == "application/problem+json"
    assert upload.chunks_read <= 1  # at most what the transport sends with the headers


async def test_an_admin_upload_is_read(client: httpx.AsyncClient, session: AsyncSession) -> None:
    upload = Upload()
    response = await client.post("/v1/imports", content=upload.stream(), headers={
        **HEADERS, "Authorization": f"Bearer {await make_key(session, admin=True)}"})
    assert upload.chunks_read == 10
    assert response.status_code == 413  # 10 MB of "x" plus the multipart framing is over the cap
