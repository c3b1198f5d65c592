"""POST /v1/imports: the import over HTTP, for administrators.

Callers authenticate with real API keys made in the test's transaction.
"""

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.config import get_settings
from tests.members.factories import make_key, make_organisation
from tests.opendata.conftest import EXCERPT, place_count

CSV = "text/csv"


@pytest.fixture
async def as_admin(client: httpx.AsyncClient, session: AsyncSession) -> AsyncIterator[None]:
    client.headers["Authorization"] = f"Bearer {await make_key(session, admin=True)}"
    yield
    del client.headers["Authorization"]


def excerpt() -> tuple[str, bytes, str]:
    return ("cget-2019-excerpt.csv", EXCERPT.read_bytes(), CSV)


async def test_anonymous_callers_are_refused(client: httpx.AsyncClient, session: AsyncSession) -> None:
    response = await client.post("/v1/imports", files={"fichier": excerpt()}, data={"mapping": "cget-2019"})
    assert response.status_code == 401 and response.headers["content-type"] == "application/problem+json"
    bogus = await client.post("/v1/imports", files={"fichier": excerpt()}, data={"mapping": "cget-2019"},
                              headers={"Authorization": "Bearer not-a-key"})
    assert bogus.status_code == 401
    member = await make_key(session, await make_organisation(session))
    refused = await client.post("/v1/imports", files={"fichier": excerpt()}, data={"mapping": "cget-2019"},
                                headers={"Authorization": f"Bearer {member}"})
    assert refused.status_code == 403 and refused.headers["content-type"] == "application/problem+json"
    assert await place_count(session) == 0


async def test_partial_import_answers_the_report(client: httpx.AsyncClient, session: AsyncSession, as_admin) -> None:
    response = await client.post("/v1/imports", files={"fichier": excerpt()},
                                 data={"mapping": "cget-2019", "partiel": "true"})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["totaux"] == {"lignes": 41, "accepte": 21, "mis_a_jour": 0, "inchange": 0, "rejete": 20}
    assert report["applique"] is True and report["mode"] == "partiel" and report["mapping"] == "cget-2019"
    assert await place_count(session) == 21
    again = await client.post("/v1/imports", files={"fichier": excerpt()},
                              data={"mapping": "cget-2019", "partiel": "true"})
    assert again.json()["totaux"]["inchange"] == 21


async def test_rejected_rows_in_all_or_nothing_mode_are_a_422_with_the_report(
    client: httpx.AsyncClient, session: AsyncSession, as_admin,
) -> None:
    response = await client.post("/v1/imports", files={"fichier": excerpt()}, data={"mapping": "cget-2019"})
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["detail"].startswith("20 row(s) rejected; nothing was stored (all-or-nothing).")
    assert problem["errors"][0] == {
        "in": "body", "pointer": "/fichier/lignes/23/departement",
        "detail": "department 44 is outside the configured region (09, 11, 12, 30, 31, 32, 34, 46, 48, 65, 66, 81, 82)"}
    assert problem["rapport"]["applique"] is False and problem["rapport"]["totaux"]["rejete"] == 20
    assert await place_count(session) == 0


async def test_simulation_stores_nothing(client: httpx.AsyncClient, session: AsyncSession, as_admin) -> None:
    response = await client.post("/v1/imports", files={"fichier": excerpt()},
                                 data={"mapping": "cget-2019", "partiel": "true", "simulation": "true"})
    assert response.status_code == 200 and response.json()["simulation"] is True
    assert response.json()["applique"] is False and await place_count(session) == 0


async def test_an_uploaded_mapping(client: httpx.AsyncClient, session: AsyncSession, as_admin) -> None:
    mapping = b'source = "annuaire"\n[columns]\nNom = "nom"\nDept = "departement"\nRef = "source_id"\n' \
              b'[constants]\nstatut = "en_projet"\n'
    response = await client.post("/v1/imports", files={
        "fichier": ("annuaire.csv", "Ref;Nom;Dept\n1;Projet à Mende;48\n".encode(), CSV),
        "fichier_mapping": ("annuaire.toml", mapping, "application/toml")})
    assert response.status_code == 200, response.text
    assert response.json()["totaux"]["accepte"] == 1 and response.json()["mapping"] == "annuaire"


@pytest.mark.parametrize(("data", "files", "detail"), [
    ({}, {"fichier": ("x.csv", b"nom;inconnue\nA;B\n", CSV)}, "unknown column(s) inconnue"),
    ({"mapping": "nope"}, {"fichier": excerpt()}, "mapping: no mapping 'nope'"),
    ({"mapping": "../../pyproject"}, {"fichier": excerpt()}, "mapping: no mapping '../../pyproject'"),
    ({}, {"fichier": ("x.xlsx", b"PK\x03\x04xx", "application/octet-stream")}, "save it as CSV"),
])
async def test_unusable_files_are_a_422(
    client: httpx.AsyncClient, as_admin, data: dict, files: dict, detail: str,
) -> None:
    response = await client.post("/v1/imports", files=files, data=data)
    assert response.status_code == 422 and detail in response.json()["detail"]
    assert response.json()["errors"][0]["pointer"] == "/fichier"


async def test_too_large_is_a_413(client: httpx.AsyncClient, as_admin, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "import_max_bytes", 2048)
    response = await client.post("/v1/imports", files={"fichier": excerpt()}, data={"mapping": "cget-2019"})
    assert response.status_code == 413 and "RESEAU_IMPORT_MAX_BYTES" in response.json()["detail"]
