"""The place field table agrees with every model and output: a field added to the table and forgotten
somewhere (a model, the feed function) fails here; the outputs themselves are derived from the table."""

import csv
import io
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.db import raw_connection
from reseau_api.core.fields import Out, fields, names, representation_keys
from reseau_api.geo import ogc_openapi
from reseau_api.opendata import native
from reseau_api.places import fields as place_fields
from reseau_api.places.fields import FIELDS
from reseau_api.places.schemas import PlaceRead, PlaceSummary, PlaceWrite
from tests.factories import make_place
from tests.fieldcheck import disagreements
from tests.opendata.test_exports import FULL

MENDE = {"nom": "Projet de Mende", "statut": "en_projet", "departement": "48", "commune": "Mende",
         "position": None, "types": [], "ouverture_prevue": "2027-03-01", "projet": "creation"}


def test_each_field_is_declared_once() -> None:
    assert len({f.name for f in FIELDS}) == len(FIELDS)
    assert len({f.key for f in FIELDS if Out.DETAIL in f.outputs}) == len(fields(FIELDS, Out.DETAIL))


@pytest.mark.parametrize(("output", "model", "extra"), [
    (Out.SUMMARY, PlaceSummary, {"distance_m"}),
    (Out.DETAIL, PlaceRead, {"bonnes_pratiques"}),
    (Out.WRITE, PlaceWrite, set()),
])
def test_the_models_agree_with_the_table(output: Out, model: Any, extra: set[str]) -> None:
    assert disagreements(FIELDS, output, model, extra=frozenset(extra)) == []


def test_the_feed_has_the_detail_fields_but_those_of_the_clock() -> None:
    detail = representation_keys(FIELDS, Out.DETAIL)
    assert place_fields.CLOCK_FIELDS == ["fraicheur", "ferme_temporairement", "fermeture_en_cours"]
    assert representation_keys(FIELDS, Out.FEED) == {k: v for k, v in detail.items()
                                                     if k not in place_fields.CLOCK_FIELDS}


@pytest.mark.parametrize("over", [FULL, MENDE], ids=["full", "sparse"])
async def test_the_feed_function_of_the_migrations_is_the_table(session: AsyncSession, client: httpx.AsyncClient,
                                                                over: dict[str, Any]) -> None:
    """place_public_json (a migration) and the table's FEED_JSON give the same value; a new field means a
    migration with `CREATE OR REPLACE FUNCTION place_public_json … RETURN <FEED_JSON>` (docs/architecture.md)."""
    place = await make_place(session, **over)
    raw = await raw_connection(session)
    sql = f"SELECT place_public_json(p)::text, ({place_fields.FEED_JSON})::text FROM place p WHERE p.id = $1"
    migrated, table = await raw.fetchrow(sql, place.id)
    assert orjson.loads(migrated) == orjson.loads(table)
    await raw.execute(place_fields.FEED_FUNCTION)  # the text a migration would run (rolled back with the test)
    assert orjson.loads((await raw.fetchrow(sql, place.id))[0]) == orjson.loads(table)
    detail = (await client.get(f"/v1/lieux/{place.id}")).json()
    del detail["bonnes_pratiques"]
    feed = orjson.loads(table)
    assert set(feed) == set(detail) - set(place_fields.CLOCK_FIELDS)
    assert set(feed["teletravail"]) == set(detail["teletravail"])


async def test_the_outputs_carry_the_table_fields_in_its_order(session: AsyncSession,
                                                              client: httpx.AsyncClient) -> None:
    place = await make_place(session, **FULL)
    summary = [*names(FIELDS, Out.SUMMARY), "distance_m"]
    assert list((await client.get("/v1/lieux")).json()["items"][0]) == summary
    feature = (await client.get("/v1/lieux", params={"f": "geojson"})).json()["features"][0]
    assert list(feature["properties"]) == [n for n in summary if n != "position"]
    rows = list(csv.reader(io.StringIO((await client.get("/v1/lieux", params={"f": "csv"})).text.lstrip("\ufeff"))))
    assert rows[0] == names(FIELDS, Out.CSV)
    ogc = (await client.get(f"/ogc/collections/lieux/items/{place.id}", params={"f": "json"})).json()
    assert list(ogc["properties"]) == names(FIELDS, Out.OGC) == list(ogc_openapi.PROPERTIES["lieux"])
    queryables = (await client.get("/ogc/collections/lieux/queryables")).json()["properties"]
    assert list(queryables) == [*names(FIELDS, Out.QUERYABLE), "teletravail"]
    tilejson = (await client.get("/v1/tuiles.json")).json()
    assert list(tilejson["vector_layers"][0]["fields"]) == [*names(FIELDS, Out.TILE), "point_count"]


def test_the_import_reads_the_csv_columns() -> None:
    assert list(native.NATIVE_COLUMNS) == names(FIELDS, Out.CSV)
    assert list(native.WRITE_COLUMNS) == names(FIELDS, Out.WRITE)
    assert set(native.WRITE_COLUMNS) <= set(native.NATIVE_COLUMNS)
