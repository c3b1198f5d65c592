"""Every AMI figure as SQL over the records (GROUP BY and friends); nothing is a stored constant.

Each query starts from the CTE `f`, the applications matching the request's filters. The filter
clauses are constant SQL fragments picked by code (never client text) and every value is a bound
parameter; the GIN indexes on `challenges` and `needs` serve `&&`.
"""

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Row, text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.ami import vocabulary as vocab
from reseau_api.ami.schemas import AmiFilters
from reseau_api.places.states import WORKFLOW as PLACE_WORKFLOW

# filter field -> its clause; the value is bound as :f_<field>
_CLAUSES: dict[str, str] = {
    "departement": "a.department_code = ANY(CAST(:f_departement AS text[]))",
    "type_projet": "a.project_kind = ANY(CAST(:f_type_projet AS text[]))",
    "mise_en_reseau": "a.networking = :f_mise_en_reseau",
    "nature": "a.holder_nature = ANY(CAST(:f_nature AS text[]))",
    "forme_juridique": "a.legal_form = ANY(CAST(:f_forme_juridique AS text[]))",
    "defi": "a.challenges && CAST(:f_defi AS smallint[])",
    "besoin": "a.needs && CAST(:f_besoin AS varchar[])",
}
_PLAN = {"avec": "a.financing_plan_eur IS NOT NULL", "sans": "a.financing_plan_eur IS NULL"}


def _filtered(filters: AmiFilters) -> tuple[str, dict[str, Any]]:
    """`WITH f AS (...)`: the matching applications, and the parameters the clauses bind."""
    clauses, params = ["TRUE"], {}
    for field, clause in _CLAUSES.items():
        value = getattr(filters, field)
        if value is not None and value != []:
            clauses.append(clause)
            params[f"f_{field}"] = value
    if filters.plan_financement is not None:
        clauses.append(_PLAN[filters.plan_financement])
    where = " AND ".join(clauses)
    return f"WITH f AS (SELECT a.* FROM ami_application a WHERE {where})", params


async def _run(session: AsyncSession, filters: AmiFilters, body: str, **params: Any) -> list[Row[Any]]:
    cte, bound = _filtered(filters)
    result = await session.execute(text(f"{cte}\n{body}"), {**bound, **params})
    return list(result.all())


# --- provenance and reference ------------------------------------------------------------------------

async def dataset(session: AsyncSession) -> Row[Any] | None:
    return (await session.execute(text(
        "SELECT source, reconstructed, loaded_at, row_count, file_sha256 FROM ami_dataset WHERE id = 1"
    ))).one_or_none()


async def department_names(session: AsyncSession, codes: list[str]) -> dict[str, str]:
    rows = await session.execute(
        text("SELECT code, name FROM departement WHERE code = ANY(CAST(:codes AS text[])) ORDER BY code"),
        {"codes": codes},
    )
    return {code: name for code, name in rows}


# --- records -----------------------------------------------------------------------------------------

_RECORD_JSON = """json_build_object(
    'id', r.id, 'intitule', r.title, 'type_projet', r.project_kind, 'mise_en_reseau', r.networking,
    'departement', r.department_code, 'nature', r.holder_nature, 'forme_juridique', r.legal_form,
    'plan_financement_5ans_eur', r.financing_plan_eur, 'defis', r.challenges, 'besoins', r.needs,
    'lieu', CASE WHEN p.id IS NULL THEN NULL ELSE json_build_object('id', p.id, 'slug', p.slug) END)"""

# Only published places are linked: an unpublished listing stays invisible here too.
PLACE_PUBLIC = PLACE_WORKFLOW.public_sql("p.moderation")  # the AMI links only published places
_PAGE = f"""
, r AS (SELECT * FROM f WHERE f.id > :after ORDER BY f.id LIMIT :limit)
SELECT (SELECT count(*) FROM f) AS total,
       (SELECT max(id) FROM f) AS last_id,
       (SELECT max(id) FROM r) AS page_last_id,
       coalesce((SELECT json_agg({_RECORD_JSON} ORDER BY r.id)
                 FROM r LEFT JOIN place p ON p.id = r.place_id AND {PLACE_PUBLIC}), '[]'::json)::text
"""

_ALL_ROWS = f"""
SELECT r.id, r.title, r.project_kind, r.networking, r.department_code, r.holder_nature, r.legal_form,
       r.financing_plan_eur, r.challenges, r.needs, p.slug AS place_slug
FROM f AS r LEFT JOIN place p ON p.id = r.place_id AND {PLACE_PUBLIC}
ORDER BY r.id
"""

_ONE = text(f"""
SELECT {_RECORD_JSON}::text
FROM ami_application r LEFT JOIN place p ON p.id = r.place_id AND {PLACE_PUBLIC}
WHERE r.id = :id
""")


@dataclass
class Page:
    total: int
    items_json: str
    next_after: str | None


async def page(session: AsyncSession, filters: AmiFilters, *, after: str, limit: int) -> Page:
    total, last_id, page_last_id, items = (await _run(session, filters, _PAGE, after=after, limit=limit))[0]
    more = page_last_id is not None and page_last_id != last_id
    return Page(total=total, items_json=items, next_after=page_last_id if more else None)


async def all_rows(session: AsyncSession, filters: AmiFilters) -> list[Row[Any]]:
    return await _run(session, filters, _ALL_ROWS)


async def one(session: AsyncSession, application_id: str) -> str | None:
    return (await session.execute(_ONE, {"id": application_id})).scalar_one_or_none()


# --- aggregates --------------------------------------------------------------------------------------


async def projects(session: AsyncSession, filters: AmiFilters) -> Row[Any]:
    return (await _run(session, filters, """
        SELECT count(*) FILTER (WHERE project_kind = 'creation') AS creation,
               count(*) FILTER (WHERE project_kind = 'extension') AS extension,
               count(*) FILTER (WHERE networking) AS mise_en_reseau,
               count(*) AS total
        FROM f
    """))[0]


async def by_department(session: AsyncSession, filters: AmiFilters, region: list[str]) -> list[Row[Any]]:
    return await _run(session, filters, """, t AS (SELECT count(*) AS total FROM f)
        SELECT d.code, d.name AS nom, count(f.id) AS nombre,
               round(count(f.id)::numeric / NULLIF(t.total, 0), 4)::float8 AS part,
               round(100.0 * count(f.id) / NULLIF(t.total, 0))::int AS pourcentage, t.total
        FROM departement d CROSS JOIN t LEFT JOIN f ON f.department_code = d.code
        WHERE d.code = ANY(CAST(:region AS text[]))
        GROUP BY d.code, t.total  -- d.code is the key: name and geom follow
        ORDER BY d.code
    """, region=region)


# Count per vocabulary value, zeros included, most frequent first then vocabulary order.
async def count_by_column(
    session: AsyncSession, filters: AmiFilters, column: Literal["holder_nature", "legal_form"], codes: list[str],
) -> list[Row[Any]]:
    return await _run(session, filters, """, t AS (SELECT count(*) AS total FROM f)
        SELECT v.code, count(f.id) AS nombre, round(100.0 * count(f.id) / NULLIF(t.total, 0))::int AS pourcentage,
               t.total
        FROM unnest(CAST(:codes AS text[])) WITH ORDINALITY AS v(code, o)
        CROSS JOIN t
        LEFT JOIN f ON v.code = CASE CAST(:column AS text) WHEN 'holder_nature' THEN f.holder_nature
                                                          ELSE f.legal_form END
        GROUP BY v.code, v.o, t.total
        ORDER BY count(f.id) DESC, v.o
    """, codes=codes, column=column)


async def by_need(session: AsyncSession, filters: AmiFilters) -> list[Row[Any]]:
    return await _run(session, filters, """, t AS (SELECT count(*) AS total FROM f)
        SELECT v.code, count(f.id) AS nombre, round(100.0 * count(f.id) / NULLIF(t.total, 0))::int AS pourcentage,
               t.total
        FROM unnest(CAST(:codes AS varchar[])) WITH ORDINALITY AS v(code, o)
        CROSS JOIN t LEFT JOIN f ON f.needs @> ARRAY[v.code]
        GROUP BY v.code, v.o, t.total
        ORDER BY count(f.id) DESC, v.o
    """, codes=list(vocab.BESOINS))


async def financing(session: AsyncSession, filters: AmiFilters) -> Row[Any]:
    return (await _run(session, filters, """
        SELECT count(financing_plan_eur) AS avec,
               round(100.0 * count(financing_plan_eur) / NULLIF(count(*), 0))::int AS avec_pct,
               count(*) - count(financing_plan_eur) AS sans,
               round(100.0 * (count(*) - count(financing_plan_eur)) / NULLIF(count(*), 0))::int AS sans_pct,
               min(financing_plan_eur) AS minimum,
               percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY financing_plan_eur) AS quartiles,
               max(financing_plan_eur) AS maximum,
               round(avg(financing_plan_eur), 2)::float8 AS moyenne,
               sum(financing_plan_eur)::bigint AS montant_total,
               count(*) AS total
        FROM f
    """))[0]


async def by_challenge(session: AsyncSession, filters: AmiFilters) -> list[Row[Any]]:
    return await _run(session, filters, """, t AS (SELECT count(*) AS total FROM f)
        SELECT v.code, count(f.id) AS nombre,
               round(100.0 * count(f.id) / NULLIF(t.total, 0))::int AS pourcentage, t.total
        FROM unnest(CAST(:codes AS smallint[])) AS v(code)
        CROSS JOIN t LEFT JOIN f ON f.challenges @> ARRAY[v.code]
        GROUP BY v.code, t.total
        ORDER BY v.code
    """, codes=list(vocab.DEFIS))


async def challenge_count_distribution(session: AsyncSession, filters: AmiFilters) -> list[Row[Any]]:
    return await _run(session, filters, """, t AS (SELECT count(*) AS total FROM f)
        SELECT k AS nombre_defis, count(f.id) AS nombre,
               round(100.0 * count(f.id) / NULLIF(t.total, 0))::int AS pourcentage
        FROM generate_series(0, :most) AS k CROSS JOIN t LEFT JOIN f ON cardinality(f.challenges) = k
        GROUP BY k, t.total
        ORDER BY k
    """, most=len(vocab.DEFIS))


async def two_or_more_challenges(session: AsyncSession, filters: AmiFilters) -> Row[Any]:
    return (await _run(session, filters, """
        SELECT count(*) FILTER (WHERE cardinality(challenges) >= 2) AS nombre,
               round(100.0 * count(*) FILTER (WHERE cardinality(challenges) >= 2) / NULLIF(count(*), 0))::int
                   AS pourcentage
        FROM f
    """))[0]


# --- cross-table ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DimensionSql:
    expression: str  # the dimension's value (text) for a row of f
    join: str = ""   # multi-valued dimensions unnest their array


DIMENSIONS: dict[str, DimensionSql] = {
    "departement": DimensionSql("f.department_code"),
    "type_projet": DimensionSql("f.project_kind"),
    "mise_en_reseau": DimensionSql("f.networking::text"),
    "nature": DimensionSql("f.holder_nature"),
    "forme_juridique": DimensionSql("f.legal_form"),
    "plan_financement": DimensionSql("CASE WHEN f.financing_plan_eur IS NULL THEN 'sans' ELSE 'avec' END"),
    "defi": DimensionSql("x_defi.v::text", "CROSS JOIN LATERAL unnest(f.challenges) AS x_defi(v)"),
    "besoin": DimensionSql("x_besoin.v::text", "CROSS JOIN LATERAL unnest(f.needs) AS x_besoin(v)"),
}


async def cross_table(
    session: AsyncSession, filters: AmiFilters, dims: list[str], codes: list[list[str]],
) -> list[Row[Any]]:
    """One row per combination of the given values (zeros included), in the order of `codes`."""
    first = DIMENSIONS[dims[0]]
    second = DIMENSIONS[dims[1]] if len(dims) > 1 else DimensionSql("''")
    joins = " ".join(d.join for d in (first, second) if d.join)
    return await _run(session, filters, f""", t AS (SELECT count(*) AS total FROM f),
        c AS (SELECT {first.expression} AS k1, {second.expression} AS k2, count(*) AS n
              FROM f {joins} GROUP BY 1, 2)
        SELECT g1.code AS k1, g2.code AS k2, coalesce(c.n, 0) AS nombre,
               round(100.0 * coalesce(c.n, 0) / NULLIF(t.total, 0))::int AS pourcentage, t.total
        FROM unnest(CAST(:codes1 AS text[])) WITH ORDINALITY AS g1(code, o1)
        CROSS JOIN unnest(CAST(:codes2 AS text[])) WITH ORDINALITY AS g2(code, o2)
        CROSS JOIN t
        LEFT JOIN c ON c.k1 = g1.code AND c.k2 = g2.code
        ORDER BY g1.o1, g2.o2
    """, codes1=codes[0], codes2=codes[1] if len(codes) > 1 else [""])


# --- choropleth ----------------------------------------------------------------------------------------

async def departments_geojson(
    session: AsyncSession, filters: AmiFilters, region: list[str], *,
    source: str | None, reconstructed: bool | None, attribution: str,
) -> str:
    rows = await _run(session, filters, """, t AS (SELECT count(*) AS total FROM f)
        SELECT json_build_object(
            'type', 'FeatureCollection',
            'source', CAST(:source AS text),
            'reconstruit', CAST(:reconstructed AS boolean),
            'attribution', CAST(:attribution AS text),
            'total', (SELECT total FROM t),
            'features', coalesce(json_agg(ST_AsGeoJSON(x.*, 'geom', 5)::json ORDER BY x.code), '[]'::json)
        )::text
        FROM (SELECT d.code, d.name AS nom, count(f.id) AS nombre,
                     round(count(f.id)::numeric / NULLIF(t.total, 0), 4)::float8 AS part,
                     round(100.0 * count(f.id) / NULLIF(t.total, 0))::int AS pourcentage,
                     ST_ForcePolygonCCW(d.geom) AS geom  -- RFC 7946 §3.1.6: exterior rings counterclockwise
              FROM departement d CROSS JOIN t LEFT JOIN f ON f.department_code = d.code
              WHERE d.code = ANY(CAST(:region AS text[]))
              GROUP BY d.code, t.total) AS x
    """, region=region, source=source, reconstructed=reconstructed, attribution=attribution)
    return rows[0][0]
