"""The detail's JSON, built by PostgreSQL (places.queries.detail), is byte for byte what Pydantic writes for
PlaceRead from the ORM record (service.to_read, the reference), with the same ETag (service.detail_etag)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core import fields as f
from reseau_api.core.db import raw_connection
from reseau_api.places import queries, service
from reseau_api.places.models import Place
from reseau_api.places.schemas import PlacePracticeRef
from tests.factories import make_place
from tests.practices.factories import make_practice


async def _reference(session: AsyncSession, place: Place) -> tuple[str, str]:
    """(body, ETag) as the ORM route wrote them."""
    key = str(place.id)
    session.expire(place)
    place = await service.get(session, key, published_only=False)
    assert place is not None
    practices = await service.practices_of(session, place.id)
    read = service.to_read(place)
    read.bonnes_pratiques = [PlacePracticeRef(id=r.id, slug=r.slug, titre=r.title) for r in practices]
    return read.model_dump_json(), service.detail_etag(place, practices, read)


async def _same(session: AsyncSession, place: Place) -> str:
    keys = (str(place.id), place.slug, str(place.id).upper())
    body, etag = await _reference(session, place)
    for key in keys:
        detail = await queries.detail(session, key)
        assert detail is not None
        assert (detail.body, detail.etag) == (body, etag), key
    return body


def _day(offset: int) -> str:
    return (service.today() + timedelta(days=offset)).isoformat()


async def test_a_plain_place(session: AsyncSession) -> None:
    place = await make_place(session)
    body = await _same(session, place)
    assert '"bonnes_pratiques":[]' in body and '"fermeture_en_cours":null' in body


async def test_every_field_set_and_awkward_values(session: AsyncSession) -> None:
    place = await make_place(
        session, nom='L\'"Atelier" \\ du\tCapitole — 🚲', description="Ligne 1\nLigne 2\r\n\u2028</script>",
        services=["wifi", "visio"], types=["fablab", "coworking"], adresse="1 rue d'Alsace",
        horaires="Mo-Fr 09:00-18:00",
        email="contact@example.org", telephone="0561000000", site_web="https://example.org/a?b=c&d=é",
        accessibilite="Rampe", images=["https://example.org/1.jpg", "https://example.org/2.jpg"],
        ouverture_prevue="2027-01-15", projet="extension", mise_en_reseau=True,
        teletravail={"postes": 12, "bureaux_prives": 0, "salles_reunion": 2, "prix_demi_journee": "8",
                     "prix_journee": "18.50", "prix_mois": "250.05", "acces_24_7": False, "publics": ["salaries"],
                     "reservation_url": "https://example.org/reserver", "debit_internet_mbps": 1000},
        identifiants={"osm": "node/123", "rna": "W123456789"},
        fermetures=[{"du": _day(-30), "au": _day(-20), "motif": "Passée"},
                    {"du": _day(-1), "au": _day(2), "motif": "Travaux \"urgents\""},
                    {"du": _day(10), "au": _day(12), "motif": "Congés"}],
    )
    await _same(session, place)
    # Control characters the write rules refuse, as older data may hold them: escaped alike.
    await session.execute(text("UPDATE place SET accessibility = :value WHERE id = :id"),
                          {"id": place.id, "value": "\x01\x08\x0c\x1f\x7f\\u00e9"})
    await _same(session, place)


async def test_clock_fields_provenance_and_practices(session: AsyncSession) -> None:
    place = await make_place(session, nom="Tiers-lieu vérifié il y a longtemps")
    # Never verified (a_verifier), provenance as the census import and the kernel stamp it, microseconds 0.
    await session.execute(text(
        "UPDATE place SET verified_at = NULL, updated_at = '2026-03-01 10:00:00+00', "
        "created_at = '2025-01-01 00:00:00.5+00', provenance = provenance_stamp(ARRAY['nom', 'types'], "
        "'import', 'recensement CGET 2019') || jsonb_build_object('description', jsonb_build_object("
        "'role', 'membre', 'le', '2026-02-03T04:05:06.100000+01:00'::text), 'commune', jsonb_build_object("
        "'role', 'admin', 'le', '2026-02-03T04:05:06+00:00'::text)) WHERE id = :id"), {"id": place.id})
    await _same(session, place)
    await session.execute(text("UPDATE place SET verified_at = now() - interval '400 days' WHERE id = :id"),
                          {"id": place.id})
    await _same(session, place)
    first = await make_practice(session, titre="Animer \"la\" communauté", lieux=[str(place.id)])
    await make_practice(session, titre="Brouillon", lieux=[str(place.id)], publish=False)
    second = await make_practice(session, titre="Deuxième", lieux=[str(place.id)])
    await session.execute(text("UPDATE practice SET published_at = published_at + interval '1 minute' "
                               "WHERE id = :id"), {"id": second.id})  # newest first; same now() otherwise
    body = await _same(session, place)
    assert body.index(str(second.id)) < body.index(str(first.id)) and "Brouillon" not in body


async def test_no_position_and_integral_coordinates(session: AsyncSession) -> None:
    planned = await make_place(session, statut="en_projet", position=None, nom="En projet")
    assert '"position":null' in await _same(session, planned)
    place = await make_place(session, nom="Sur un degré rond")
    await session.execute(text("UPDATE place SET geom = ST_SetSRID(ST_MakePoint(1, 43.5), 4326) WHERE id = :id"),
                          {"id": place.id})
    assert '"position":{"lon":1.0,"lat":43.5}' in await _same(session, place)


async def test_unknown_keys(session: AsyncSession) -> None:
    assert await queries.detail(session, "00000000-0000-0000-0000-000000000000") is None
    assert await queries.detail(session, "nulle-part") is None


class _Value(BaseModel):
    value: float | datetime | Decimal | date


@pytest.mark.parametrize("value", [0.0, -0.0, 1.0, -3.0, 180.0, 43.604652, 1.444209, 0.1 + 0.2, 1e-4, 1.5e-5, 1e-5,
                                   -2.5e-5, 1e-6, -2.5e-7, 1.234e-10, 123.456789012345, 123456789012.5])
async def test_floats_as_pydantic_writes_them(session: AsyncSession, value: float) -> None:
    raw = await raw_connection(session)
    assert await raw.fetchval(f"SELECT {f.float_text('$1::float8')}", value) == \
        _Value(value=value).model_dump_json()[9:-1]


@pytest.mark.parametrize("value", [datetime(2026, 12, 1, 15, 10, 39, tzinfo=UTC),
                                   datetime(2026, 12, 1, 15, 10, 39, 120000, tzinfo=UTC),
                                   datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
                                   datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)])
async def test_datetimes_as_pydantic_writes_them(session: AsyncSession, value: datetime) -> None:
    raw = await raw_connection(session)
    expected = _Value(value=value).model_dump_json()[9:-1]
    assert await raw.fetchval(f"SELECT {f.datetime_text('$1::timestamptz')}", value) == expected
    for zone in ("UTC", "Europe/Paris"):  # stored as to_jsonb writes it in the session's time zone
        await raw.execute(f"SET LOCAL TIME ZONE '{zone}'")
        stored = await raw.fetchval("SELECT to_jsonb($1::timestamptz) #>> '{}'", value)
        assert await raw.fetchval(f"SELECT {f.datetime_text_of_json('$1::text')}", stored) == \
            _Value(value=datetime.fromisoformat(stored)).model_dump_json()[9:-1], stored
