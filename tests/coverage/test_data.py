"""The commune reference table: one row per commune, the region's 2021 population, loaded by migration."""

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.config import get_settings
from reseau_api.coverage.derive import derive
from tests.coverage import reference

REGION_POPULATION_2021 = 6_022_176


async def test_migration_loads_every_commune_once_with_the_region_population(session: AsyncSession) -> None:
    row = (await session.execute(text(
        "SELECT count(*), count(DISTINCT insee_code), sum(population), "
        "count(*) FILTER (WHERE name = 'Toulouse') FROM commune"))).one()
    assert tuple(row) == (4453, 4453, REGION_POPULATION_2021, 1)


async def test_table_matches_the_shipped_file(session: AsyncSession) -> None:
    rows = (await session.execute(text(
        "SELECT insee_code, name, department_code, ST_X(geom), ST_Y(geom), population FROM commune "
        "ORDER BY insee_code"))).all()
    expected = [(c.insee, c.name, c.dep, c.lon, c.lat, c.population) for c in reference.communes()]
    assert [tuple(r) for r in rows] == expected


async def test_every_department_of_the_region_has_communes(session: AsyncSession) -> None:
    departments = (await session.execute(text(
        "SELECT department_code FROM commune GROUP BY 1 ORDER BY 1"))).scalars().all()
    assert departments == sorted(get_settings().region_departements)


async def test_communes_are_found_by_geodesic_index(session: AsyncSession) -> None:
    plan = "\n".join((await session.execute(text(
        "EXPLAIN SELECT insee_code FROM commune "
        "WHERE ST_DWithin(geom::geography, ST_MakePoint(1.44, 43.6)::geography, 15000)"))).scalars())
    assert "ix_commune_geog" in plan


SOURCE_HEADER = ("insee_com,insee_reg,insee_dep,commune,commune_article,code_postal,commune_type,insee_parente,"
                 "lat,lng,superficie_km2,population_2021\n")


def test_derive_keeps_one_row_per_commune(tmp_path: Path) -> None:
    source = tmp_path / "source.csv"
    source.write_text(
        SOURCE_HEADER
        + "31555,76,31,Toulouse,Toulouse,31000,COM,,43.6007,1.43284,118.3,504078\n"
        + "31555,76,31,Toulouse,Toulouse,31100,COM,,43.6007,1.43284,118.3,504078\n"
        + "09003,76,09,Aiguillon,L'Aiguillon,09300,COM,,42.91024,1.90352,6.37,379\n",
        encoding="utf-8")
    output = tmp_path / "out.csv"
    assert derive(source, output) == 2
    assert output.read_text(encoding="utf-8").splitlines() == [
        "insee,name,dep,lat,lon,population",
        "09003,L'Aiguillon,09,42.91024,1.90352,379",
        "31555,Toulouse,31,43.6007,1.43284,504078",
    ]


def test_derive_refuses_rows_that_disagree(tmp_path: Path) -> None:
    source = tmp_path / "source.csv"
    source.write_text(
        SOURCE_HEADER
        + "31555,76,31,Toulouse,Toulouse,31000,COM,,43.6007,1.43284,118.3,504078\n"
        + "31555,76,31,Toulouse,Toulouse,31100,COM,,43.6007,1.43284,118.3,504079\n",
        encoding="utf-8")
    with pytest.raises(ValueError, match="31555"):
        derive(source, tmp_path / "out.csv")
