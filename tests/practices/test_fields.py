"""The good-practice field table agrees with the models and with the feed function of the migrations."""

from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.db import raw_connection
from reseau_api.core.fields import Out, names
from reseau_api.practices import fields as practice_fields
from reseau_api.practices.fields import FIELDS
from reseau_api.practices.schemas import PracticeRead, PracticeSummary, PracticeWrite
from tests.factories import make_place
from tests.fieldcheck import disagreements
from tests.practices.factories import make_practice


def test_each_field_is_declared_once() -> None:
    assert len({f.name for f in FIELDS}) == len(FIELDS)


@pytest.mark.parametrize(("output", "model"), [
    (Out.SUMMARY, PracticeSummary), (Out.DETAIL, PracticeRead), (Out.WRITE, PracticeWrite)])
def test_the_models_agree_with_the_table(output: Out, model: Any) -> None:
    assert disagreements(FIELDS, output, model) == []


def test_the_feed_is_the_detail_without_the_owners_fields() -> None:
    assert set(names(FIELDS, Out.DETAIL)) - set(names(FIELDS, Out.FEED)) == {"motif_moderation", "fraicheur"}


@pytest.mark.parametrize("with_places", [True, False])
async def test_the_feed_function_of_the_migrations_is_the_table(session: AsyncSession, client: httpx.AsyncClient,
                                                                with_places: bool) -> None:
    places = [(await make_place(session)).id, (await make_place(session, nom="Hidden since")).id]
    practice = await make_practice(session, lieux=places if with_places else [],
                                   liens=["https://exemple.fr/a"], pieces_jointes=["https://exemple.fr/b.pdf"])
    raw = await raw_connection(session)
    await raw.execute("UPDATE place SET moderation = 'a_valider' WHERE id = $1", places[1])  # linked, not listed
    sql = f"SELECT practice_public_json(b)::text, ({practice_fields.FEED_JSON})::text FROM practice b WHERE b.id = $1"
    migrated, table = await raw.fetchrow(sql, practice.id)
    assert orjson.loads(migrated) == orjson.loads(table)
    await raw.execute(practice_fields.FEED_FUNCTION)  # the text a migration would run (rolled back with the test)
    assert orjson.loads((await raw.fetchrow(sql, practice.id))[0]) == orjson.loads(table)
    feed = orjson.loads(table)
    assert len(feed["lieux"]) == (1 if with_places else 0)
    detail = (await client.get(f"/v1/bonnes-pratiques/{practice.id}")).json()
    assert set(feed) == set(detail) - {"motif_moderation", "fraicheur"}  # fraicheur: decided by the clock


async def test_the_list_carries_the_summary_fields_in_order(session: AsyncSession, client: httpx.AsyncClient) -> None:
    await make_practice(session)
    assert list((await client.get("/v1/bonnes-pratiques")).json()["items"][0]) == names(FIELDS, Out.SUMMARY)
