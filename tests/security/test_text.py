"""The text rule (issue #14 item 8) and deeply nested bodies (item 19): one validator for every write.

C0 control characters other than tab, LF and CR are refused with a 422 naming the field, on the API and
in imports; a body nested ~900 deep is a 422 too, never a 500.
"""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.members.factories import auth, make_key, make_organisation, patch_place, place_payload, post_place
from tests.opendata.conftest import place_count, run_import
from tests.practices.factories import practice_payload

RULE = "control character {} is not allowed (tab, line feed and carriage return are)"


@pytest.mark.parametrize(("path", "payload", "pointer", "character"), [
    ("/v1/lieux", place_payload(nom="La Serre\x01"), "/nom", "U+0001"),
    ("/v1/lieux", place_payload(teletravail={"postes": 2, "publics": ["independants", "x\x1b[31m"]}),
     "/teletravail/publics/1", "U+001B"),
    ("/v1/lieux", place_payload(description="ok\x7f"), "/description", "U+007F"),
    ("/v1/bonnes-pratiques", practice_payload(titre="Un titre\x0b"), "/titre", "U+000B"),
    ("/v1/bonnes-pratiques", practice_payload(contenu="ligne\x00"), "/contenu", "U+0000"),
])
async def test_control_characters_are_refused_naming_the_field(
    client: httpx.AsyncClient, session: AsyncSession, path: str, payload: dict, pointer: str, character: str,
) -> None:
    key = await make_key(session, await make_organisation(session))
    response = await client.post(path, json=payload, headers=auth(key))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"] == [{"in": "body", "pointer": pointer, "detail": RULE.format(character)}]


async def test_tab_newline_and_carriage_return_are_text(client: httpx.AsyncClient, session: AsyncSession) -> None:
    key = await make_key(session, await make_organisation(session))
    created = await post_place(client, key, description="Deux lignes\r\net une\ttabulation")
    assert created.json()["description"] == "Deux lignes\r\net une\ttabulation"


async def test_a_patch_is_held_to_the_same_rule(client: httpx.AsyncClient, session: AsyncSession) -> None:
    key = await make_key(session, await make_organisation(session))
    place = (await post_place(client, key)).json()
    response = await patch_place(client, key, place["id"], {"commune": "Tou\x1flouse"}, 1)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"in": "body", "pointer": "/commune", "detail": RULE.format("U+001F")}]


async def test_a_field_name_with_a_control_character_is_refused(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    key = await make_key(session, await make_organisation(session))
    response = await client.post("/v1/lieux", json={**place_payload(), "n\x01om": "x"}, headers=auth(key))
    assert response.status_code == 422
    assert response.json()["errors"] == [{
        "in": "body", "pointer": "/n\x01om",
        "detail": "control character U+0001 is not allowed in a field name"}]


async def test_imports_refuse_control_characters_naming_the_column(session: AsyncSession) -> None:
    csv = (b"source_id;nom;statut;departement;commune\n"
           b"a1;La Serre\x01;en_projet;31;Toulouse\n")
    report = await run_import(session, csv, source="annuaire")
    assert [(r.status, [(x.field, x.message) for x in r.reasons]) for r in report.rows] == [
        ("rejected", [("nom", RULE.format("U+0001"))])]
    assert await place_count(session) == 0


@pytest.mark.parametrize("depth", [40, 900])
async def test_a_deeply_nested_body_is_a_422(client: httpx.AsyncClient, session: AsyncSession, depth: int) -> None:
    key = await make_key(session, await make_organisation(session))
    body = b'{"nom": ' + b"[" * depth + b"]" * depth + b"}"
    response = await client.post("/v1/lieux", content=body,
                                 headers=auth(key, **{"Content-Type": "application/json"}))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"] == [{"in": "body", "pointer": "/nom", "detail": "nested deeper than 32 levels"}]


async def test_a_body_too_deep_for_the_json_parser_is_a_400(client: httpx.AsyncClient, session: AsyncSession) -> None:
    key = await make_key(session, await make_organisation(session))
    body = b'{"nom": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    response = await client.post("/v1/lieux", content=body,
                                 headers=auth(key, **{"Content-Type": "application/json"}))
    assert response.status_code == 400 and response.json()["detail"] == "There was an error parsing the body"
