"""The public fields of a place, declared once: every output takes its fields from this table.

In CSV order (the open data column order; add new fields at the end so that columns keep their
positions). Each field says where it appears (`Out`): list items, detail and feed, write schema and
import, CSV, GeoJSON export, OGC items and queryables, vector tiles. The SQL is over `place p`.
`tests/places/test_fields.py` checks that the Pydantic models, the feed function and the outputs agree.
"""

from reseau_api.core import fields as f
from reseau_api.core.fields import Field, Out
from reseau_api.editorial import freshness
from reseau_api.places import vocabulary as vocab

# Short names for the outputs, read across each row below (OGC items are G, OGC queryables Q).
S, D, FEED, W, C, E, G, Q, T = (Out.SUMMARY, Out.DETAIL, Out.FEED, Out.WRITE, Out.CSV, Out.EXPORT, Out.OGC,
                                Out.QUERYABLE, Out.TILE)
REPR = {D, FEED}  # the full record: detail and feed
OPEN = {C, E}  # the open data files: CSV (and import) and GeoJSON export


def _o(*outputs: Out | set[Out]) -> frozenset[Out]:
    flat: set[Out] = set()
    for o in outputs:
        flat |= o if isinstance(o, set) else {o}
    return frozenset(flat)


TELEWORK = "teletravail"


def closed_today(a: str) -> str:
    """SQL: one of the place's closures covers today (Europe/Paris); cheap for the usual empty list."""
    return (f"({a}.closures <> '[]'::jsonb AND EXISTS (SELECT 1 FROM jsonb_array_elements({a}.closures) c "
            "WHERE (c->>'du')::date <= (now() AT TIME ZONE 'Europe/Paris')::date "
            "AND (c->>'au')::date >= (now() AT TIME ZONE 'Europe/Paris')::date))")


def current_closure(a: str) -> str:
    return (f"(SELECT c FROM jsonb_array_elements({a}.closures) c "
            "WHERE (c->>'du')::date <= (now() AT TIME ZONE 'Europe/Paris')::date "
            "AND (c->>'au')::date >= (now() AT TIME ZONE 'Europe/Paris')::date LIMIT 1)")


CLOSURES = f.Kind({"type": "array", "items": {"type": "object"}}, "closures", csv=lambda e: f"{e}::text", text=None)
IDENTIFIERS = "identifiants"
POSITION_SQL = """CASE WHEN p.geom IS NULL THEN NULL ELSE json_build_object(
    'lon', round(ST_X(p.geom)::numeric, 6), 'lat', round(ST_Y(p.geom)::numeric, 6)) END"""

FIELDS: tuple[Field, ...] = (
    Field("id", f.UUID, "Place UUID (GET /v1/lieux/{id})", _o(S, REPR, OPEN, T), column="id"),
    Field("slug", f.TEXT, "Stable readable identifier (GET /v1/lieux/{slug})", _o(S, REPR, OPEN, G, T),
          column="slug"),
    Field("nom", f.TEXT, "Name", _o(S, REPR, W, OPEN, G, T), column="name"),
    Field("statut", f.code_kind(vocab.STATUSES), "Life-cycle status", _o(S, REPR, W, OPEN, G, Q, T),
          column="status"),
    Field("types", f.codes_kind(vocab.PLACE_TYPES), "Place types (codes of /v1/vocabulaires)",
          _o(S, REPR, W, OPEN, G, Q, T), column="types"),
    Field("services", f.codes_kind(vocab.SERVICES), "Services (codes of /v1/vocabulaires)",
          _o(S, REPR, W, OPEN, G, Q), column="services"),
    Field("adresse", f.TEXT, "Street address", _o(REPR, W, OPEN, G), column="address"),
    Field("code_postal", f.text_kind(pattern=r"^\d{5}$"), "Postcode", _o(S, REPR, W, OPEN, G), column="postcode"),
    Field("commune", f.TEXT, "Commune", _o(S, REPR, W, OPEN, G), column="commune"),
    Field("code_insee", f.text_kind(pattern=r"^(?:\d{5}|2[AB]\d{3})$"), "INSEE commune code",
          _o(REPR, W, OPEN, G, Q), column="insee_code"),
    Field("departement", f.TEXT, "Department code", _o(S, REPR, W, OPEN, G, Q), column="department_code"),
    Field("longitude", f.DEGREES, "WGS 84 longitude (6 decimals)", _o(REPR, W, C),
          sql="round(ST_X(p.geom)::numeric, 6)", path=("position", "lon")),
    Field("latitude", f.DEGREES, "WGS 84 latitude (6 decimals)", _o(REPR, W, C),
          sql="round(ST_Y(p.geom)::numeric, 6)", path=("position", "lat")),
    Field("postes", f.COUNT, "Shared desks for telework", _o(S, REPR, W, OPEN, G, T), column="desks",
          path=(TELEWORK, "postes")),
    Field("bureaux_prives", f.COUNT, "Private offices", _o(REPR, W, OPEN, G), column="private_offices",
          path=(TELEWORK, "bureaux_prives")),
    Field("salles_reunion", f.COUNT, "Meeting rooms", _o(REPR, W, OPEN, G), column="meeting_rooms",
          path=(TELEWORK, "salles_reunion")),
    Field("prix_demi_journee", f.EUROS, "Half-day price, in euros", _o(REPR, W, OPEN, G), column="price_half_day",
          path=(TELEWORK, "prix_demi_journee")),
    Field("prix_journee", f.EUROS, "Day price, in euros", _o(S, REPR, W, OPEN, G), column="price_day",
          path=(TELEWORK, "prix_journee")),
    Field("prix_mois", f.EUROS, "Month price, in euros", _o(REPR, W, OPEN, G), column="price_month",
          path=(TELEWORK, "prix_mois")),
    Field("acces_24_7", f.BOOL, "Open around the clock to members", _o(REPR, W, OPEN, G), column="access_24_7",
          path=(TELEWORK, "acces_24_7")),
    Field("horaires", f.TEXT, "Opening hours, OpenStreetMap opening_hours syntax", _o(REPR, W, OPEN, G),
          column="opening_hours"),
    Field("telephone", f.TEXT, "Phone number", _o(REPR, W, OPEN), column="phone"),
    Field("email", f.text_kind(format="email"), "Contact email", _o(REPR, W, OPEN), column="email"),
    Field("site_web", f.URL, "Website", _o(S, REPR, W, OPEN, G), column="website"),
    Field("source", f.TEXT, "Where the record comes from (import source)", _o(REPR, OPEN), column="source"),
    Field("maj_le", f.DATETIME, "Last update of the listing (the OGC `datetime` parameter filters on it)",
          _o(S, REPR, OPEN, G), column="updated_at"),
    # Appended to the CSV for the open data export: with these it carries every writable field, so it re-imports.
    Field("description", f.TEXT, "Description", _o(REPR, W, OPEN), column="description"),
    Field("ouverture_prevue", f.DATE, "Planned opening date (en_projet)", _o(REPR, W, OPEN),
          column="opening_planned_date"),
    Field("projet", f.code_kind(vocab.PROJECT_KINDS), "creation or extension, for planned work", _o(REPR, W, OPEN),
          column="project_kind"),
    Field("mise_en_reseau", f.BOOL, "Takes part in the network", _o(REPR, W, OPEN), column="networking"),
    Field("reservation_url", f.URL, "Booking page", _o(REPR, W, OPEN), column="booking_url",
          path=(TELEWORK, "reservation_url")),
    Field("publics", f.codes_kind(vocab.AUDIENCES), "Audiences welcomed", _o(REPR, W, OPEN), column="audiences",
          path=(TELEWORK, "publics")),
    Field("debit_internet_mbps", f.COUNT, "Internet bandwidth, Mbit/s", _o(REPR, W, OPEN), column="bandwidth_mbps",
          path=(TELEWORK, "debit_internet_mbps")),
    Field("accessibilite", f.TEXT, "Accessibility", _o(REPR, W, OPEN), column="accessibility"),
    Field("images", f.codes_kind(importer="url_list", format="uri"), "Image URLs", _o(REPR, W, OPEN),
          column="images"),
    Field("source_id", f.TEXT, "The record's identifier in its source (import)", _o(OPEN), column="source_id"),
    # Not in the open data files.
    Field("organisation", f.UUID, "Owning organisation", _o(REPR), column="organisation_id"),
    Field("moderation", f.code_kind(vocab.MODERATION_STATES), "Moderation state", _o(REPR), column="moderation"),
    Field("cree_le", f.DATETIME, "Creation of the listing", _o(REPR), column="created_at"),
    Field("version", f.INTEGER, "Version (ETag `\"<id>-v<version>\"`)", _o(REPR), column="version"),
    Field("position", f.OBJECT, "WGS 84 position (lon, lat)", _o(S), sql=POSITION_SQL),
    # Freshness and temporary changes (README "Freshness", "Temporary changes"). In the CSV (at its end) the
    # stored values only: what the clock decides is left to the reader (the export is cached per data version).
    Field("verifie_le", f.DATETIME, "Last confirmation or edit by its owner or an admin (null: never verified)",
          _o(S, REPR, OPEN, G), column="verified_at"),
    Field("fermetures", CLOSURES, "Dated closures [{du, au, motif}] (detail: those not ended yet)",
          _o(REPR, W, OPEN), column="closures"),
    Field("fraicheur", f.code_kind(freshness.FRESHNESS), "Freshness from verifie_le: a_jour, a_verifier, obsolete",
          _o(S, D, G, Q, T), template=lambda a: freshness.status_sql(f"{a}.verified_at"), reads=("verified_at",),
          clock=True),
    Field("ferme_temporairement", f.BOOL, "A dated closure covers today", _o(S, D, G, T), template=closed_today,
          reads=("closures",), clock=True),
    Field("fermeture_en_cours", f.OBJECT, "The closure covering today, if any", _o(D), template=current_closure,
          reads=("closures",), clock=True),
    Field("provenance", f.OBJECT, "Per field: who set its current value last (role, source) and when",
          _o(REPR), column="provenance"),
    # Ids in other registries (shared/identifiers.py): unique among published places, `?siret=`… filters.
    Field("siret", f.text_kind(pattern=r"^[0-9]{14}$"), "SIRET (INSEE establishment number)",
          _o(REPR, W, OPEN, G), column="siret", path=(IDENTIFIERS, "siret")),
    Field("rna", f.text_kind(pattern=r"^W[0-9]{9}$"), "RNA number (associations)", _o(REPR, W, OPEN, G),
          column="rna", path=(IDENTIFIERS, "rna")),
    Field("osm", f.text_kind(pattern=r"^(node|way|relation)/[1-9][0-9]*$"), "OpenStreetMap object",
          _o(REPR, W, OPEN, G), column="osm_id", path=(IDENTIFIERS, "osm")),
    Field("acceslibre", f.TEXT, "acceslibre accessibility sheet (slug or UUID)", _o(REPR, W, OPEN, G),
          column="acceslibre_id", path=(IDENTIFIERS, "acceslibre")),
    Field("data_inclusion", f.TEXT, "data·inclusion structure id", _o(REPR, W, OPEN, G),
          column="data_inclusion_id", path=(IDENTIFIERS, "data_inclusion")),
    Field("recensement_2019", f.TEXT, "Row id in the 2019 national census of tiers-lieux", _o(REPR, W, OPEN, G),
          column="census_id", path=(IDENTIFIERS, "recensement_2019")),
)

BY_NAME = {field.name: field for field in FIELDS}

# --- SQL fragments, built once ---

_LAST = "__LAST_VALUE__"  # distance_m, chosen per request
# List items and the properties of the list's GeoJSON features: (SQL before, SQL after) the distance.
SUMMARY_JSON = f.split_last(f.json_object([*f.pairs(FIELDS, S), ("distance_m", _LAST)]), _LAST)
SUMMARY_PROPERTIES_JSON = f.split_last(f.json_object(
    [*f.pairs([x for x in FIELDS if x.name != "position"], S), ("distance_m", _LAST)]), _LAST)
CSV_COLUMNS = f.names(FIELDS, C)
CSV_SELECT = f.csv_select(FIELDS)
EXPORT_PROPERTIES = {x.name: x.expr for x in f.fields(FIELDS, E)}
OGC_JSON = f.json_object(f.pairs(FIELDS, G))
TILE_FIELDS = f.fields(FIELDS, T)
# The feed's representation. The SQL function place_public_json lives in the migrations (frozen text, as
# every migration must be); tests/places/test_fields.py checks that it returns exactly FEED_JSON. A new
# feed field is a migration that runs FEED_FUNCTION as printed then (and re-captures: docs/architecture.md).
FEED_JSON = f.nested_json(FIELDS, FEED, groups={"position": """CASE WHEN p.geom IS NULL THEN NULL ELSE
        jsonb_build_object('lon', round(ST_X(p.geom)::numeric, 6), 'lat', round(ST_Y(p.geom)::numeric, 6)) END"""})
FEED_FUNCTION = ("CREATE OR REPLACE FUNCTION place_public_json(p place) RETURNS jsonb LANGUAGE sql STABLE "
                 f"PARALLEL SAFE\nRETURN {FEED_JSON}")

# --- The representation's shape (service.py maps it onto the ORM) ---

# Top-level detail fields stored in a column of their own (position and teletravail are nested).
DETAIL_COLUMNS = {x.name: x.column for x in f.fields(FIELDS, D) if len(x.key) == 1 and x.column}
# Detail fields the clock decides (computed at read time, never in the feed).
CLOCK_FIELDS = [x.name for x in FIELDS if x.clock]
WRITE_COLUMNS = {x.name: x.column for x in f.fields(FIELDS, W) if len(x.key) == 1 and x.column}
TELEWORK_COLUMNS = {x.key[1]: x.column for x in f.fields(FIELDS, W) if x.key[0] == TELEWORK and x.column}
IDENTIFIER_COLUMNS = {x.key[1]: x.column for x in f.fields(FIELDS, W) if x.key[0] == IDENTIFIERS and x.column}
# The nested write objects whose fields are flat columns in the open data files (position aside).
GROUPS = {TELEWORK: TELEWORK_COLUMNS, IDENTIFIERS: IDENTIFIER_COLUMNS}
