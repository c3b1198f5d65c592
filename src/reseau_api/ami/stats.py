"""AMI statistics: the SQL aggregates of `queries` put into the response schemas (labels from the
vocabularies), and each statistic as a flat table for CSV output."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.ami import queries
from reseau_api.ami import vocabulary as vocab
from reseau_api.ami.schemas import (
    REGION,
    AmiFilters,
    BesoinsStats,
    Cellule,
    CodeLibelle,
    Comptage,
    CrossTable,
    DefiCount,
    DefisStats,
    DepartementCount,
    DepartementsStats,
    DimensionValues,
    FinancementStats,
    LibelleCount,
    NombreDefisCount,
    ProjetsStats,
    StructuresStats,
)

Table = tuple[list[str], list[list[Any]]]

BOUNDARIES_ATTRIBUTION = (
    "Limites départementales : IGN Admin Express (2018), simplifiées par gregoiredavid/france-geojson, "
    "Licence Ouverte"
)


async def provenance(session: AsyncSession) -> dict[str, Any]:
    row = await queries.dataset(session)
    if row is None:
        return {"source": None, "reconstruit": None}
    return {"source": row.source, "reconstruit": row.reconstructed}


async def projets(session: AsyncSession, filters: AmiFilters) -> ProjetsStats:
    row = await queries.projects(session, filters)
    return ProjetsStats(**row._mapping, **await provenance(session))


async def departements(session: AsyncSession, filters: AmiFilters) -> DepartementsStats:
    rows = await queries.by_department(session, filters, REGION)
    return DepartementsStats(
        departements=[DepartementCount(**r._mapping) for r in rows],
        total=rows[0].total if rows else 0,
        **await provenance(session),
    )


def _labelled(rows: list[Any], vocabulary: dict[str, str]) -> tuple[list[LibelleCount], int]:
    counts = [LibelleCount(code=r.code, libelle=vocabulary[r.code], nombre=r.nombre, pourcentage=r.pourcentage)
              for r in rows]
    return counts, rows[0].total


async def structures(session: AsyncSession, filters: AmiFilters) -> StructuresStats:
    natures, total = _labelled(
        await queries.count_by_column(session, filters, "holder_nature", list(vocab.NATURES)), vocab.NATURES)
    forms, _ = _labelled(
        await queries.count_by_column(session, filters, "legal_form", list(vocab.FORMES_JURIDIQUES)),
        vocab.FORMES_JURIDIQUES)
    return StructuresStats(natures=natures, formes_juridiques=forms, total=total, **await provenance(session))


async def financement(session: AsyncSession, filters: AmiFilters) -> FinancementStats:
    r = await queries.financing(session, filters)
    q1, median, q3 = r.quartiles or (None, None, None)
    return FinancementStats(
        avec_plan=Comptage(nombre=r.avec, pourcentage=r.avec_pct),
        sans_plan=Comptage(nombre=r.sans, pourcentage=r.sans_pct),
        minimum=r.minimum, premier_quartile=q1, mediane=median, troisieme_quartile=q3, maximum=r.maximum,
        moyenne=r.moyenne, montant_total=r.montant_total, total=r.total, **await provenance(session),
    )


async def defis(session: AsyncSession, filters: AmiFilters) -> DefisStats:
    per_challenge = await queries.by_challenge(session, filters)
    distribution = await queries.challenge_count_distribution(session, filters)
    multi = await queries.two_or_more_challenges(session, filters)
    return DefisStats(
        defis=[DefiCount(code=r.code, libelle=vocab.DEFIS[r.code], nombre=r.nombre, pourcentage=r.pourcentage)
               for r in per_challenge],
        repartition=[NombreDefisCount(**r._mapping) for r in distribution],
        deux_ou_plus=Comptage(nombre=multi.nombre, pourcentage=multi.pourcentage),
        total=per_challenge[0].total,
        **await provenance(session),
    )


async def besoins(session: AsyncSession, filters: AmiFilters) -> BesoinsStats:
    needs, total = _labelled(await queries.by_need(session, filters), vocab.BESOINS)
    return BesoinsStats(besoins=needs, total=total, **await provenance(session))


async def dimension_values(session: AsyncSession, name: str) -> dict[str, str]:
    """code -> label of every value a cross-table dimension can take, in display order."""
    if name == "departement":
        return await queries.department_names(session, REGION)
    return {
        "type_projet": vocab.TYPES_PROJET,
        "mise_en_reseau": vocab.MISE_EN_RESEAU,
        "nature": vocab.NATURES,
        "forme_juridique": vocab.FORMES_JURIDIQUES,
        "defi": {str(code): label for code, label in vocab.DEFIS.items()},
        "besoin": vocab.BESOINS,
        "plan_financement": vocab.PLAN_FINANCEMENT,
    }[name]


async def cross_table(session: AsyncSession, filters: AmiFilters, dims: list[str]) -> CrossTable:
    values = [await dimension_values(session, name) for name in dims]
    rows = await queries.cross_table(session, filters, dims, [list(v) for v in values])
    cells = []
    for r in rows:
        keys = [r.k1, r.k2][: len(dims)]
        cells.append(Cellule(
            valeurs=[CodeLibelle(code=k, libelle=v[k]) for k, v in zip(keys, values, strict=True)],
            nombre=r.nombre, pourcentage=r.pourcentage,
        ))
    return CrossTable(
        par=dims,
        dimensions=[DimensionValues(nom=name, modalites=[CodeLibelle(code=c, libelle=label)
                                                         for c, label in v.items()])
                    for name, v in zip(dims, values, strict=True)],
        cellules=cells,
        total=rows[0].total if rows else 0,
        **await provenance(session),
    )


# --- flat tables for CSV -----------------------------------------------------------------------------

def projets_table(s: ProjetsStats) -> Table:
    return ["indicateur", "libelle", "nombre"], [
        ["creation", vocab.TYPES_PROJET["creation"], s.creation],
        ["extension", vocab.TYPES_PROJET["extension"], s.extension],
        ["mise_en_reseau", "dont extensions avec mise en réseau", s.mise_en_reseau],
        ["total", "Total", s.total],
    ]


def departements_table(s: DepartementsStats) -> Table:
    rows = [[d.code, d.nom, d.nombre, d.part, d.pourcentage] for d in s.departements]
    rows.append(["total", "Total", s.total, 1 if s.total else None, 100 if s.total else None])
    return ["code", "nom", "nombre", "part", "pourcentage"], rows


def structures_table(s: StructuresStats) -> Table:
    rows = [["nature", c.code, c.libelle, c.nombre, c.pourcentage] for c in s.natures]
    rows += [["forme_juridique", c.code, c.libelle, c.nombre, c.pourcentage] for c in s.formes_juridiques]
    return ["dimension", "code", "libelle", "nombre", "pourcentage"], rows


def financement_table(s: FinancementStats) -> Table:
    return ["indicateur", "valeur"], [
        ["avec_plan_nombre", s.avec_plan.nombre], ["avec_plan_pourcentage", s.avec_plan.pourcentage],
        ["sans_plan_nombre", s.sans_plan.nombre], ["sans_plan_pourcentage", s.sans_plan.pourcentage],
        ["minimum_eur", s.minimum], ["premier_quartile_eur", s.premier_quartile], ["mediane_eur", s.mediane],
        ["troisieme_quartile_eur", s.troisieme_quartile], ["maximum_eur", s.maximum],
        ["moyenne_eur", s.moyenne], ["montant_total_eur", s.montant_total], ["total_projets", s.total],
    ]


def defis_table(s: DefisStats) -> Table:
    rows: list[list[Any]] = [["defi", d.code, d.libelle, d.nombre, d.pourcentage] for d in s.defis]
    rows += [["nombre_de_defis", r.nombre_defis, f"{r.nombre_defis} défi(s)", r.nombre, r.pourcentage]
             for r in s.repartition]
    rows.append(["deux_ou_plus", "", "2 défis ou plus", s.deux_ou_plus.nombre, s.deux_ou_plus.pourcentage])
    return ["tableau", "code", "libelle", "nombre", "pourcentage"], rows


def besoins_table(s: BesoinsStats) -> Table:
    return ["code", "libelle", "nombre", "pourcentage"], [
        [b.code, b.libelle, b.nombre, b.pourcentage] for b in s.besoins
    ]


def cross_table_table(s: CrossTable) -> Table:
    """One dimension: code, label, count. Two: a pivot, rows = first dimension, one column per value
    of the second (what a spreadsheet user expects of a cross-table)."""
    if len(s.par) == 1:
        return ["code", "libelle", "nombre"], [
            [c.valeurs[0].code, c.valeurs[0].libelle, c.nombre] for c in s.cellules
        ]
    columns = s.dimensions[1].modalites
    header = [s.par[0], "libelle", *[m.libelle for m in columns]]
    rows = []
    for i, value in enumerate(s.dimensions[0].modalites):
        cells = s.cellules[i * len(columns):(i + 1) * len(columns)]
        rows.append([value.code, value.libelle, *[c.nombre for c in cells]])
    return header, rows
