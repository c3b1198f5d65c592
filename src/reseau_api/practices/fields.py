"""The public fields of a good practice, declared once: its list items, detail, feed representation and
write schema take their fields from this table (SQL over `practice b`). Add new fields at the end.
`tests/practices/test_fields.py` checks that the Pydantic models and the feed function agree with it.
"""

from reseau_api.core import fields as f
from reseau_api.core.fields import Field, Out
from reseau_api.editorial import freshness
from reseau_api.places.states import WORKFLOW as PLACE_WORKFLOW
from reseau_api.practices import vocabulary as vocab

S, D, FEED, W = Out.SUMMARY, Out.DETAIL, Out.FEED, Out.WRITE


def _o(*outputs: Out) -> frozenset[Out]:
    return frozenset(outputs)


# Its published places, by name (a place hidden since stays linked but unlisted).
PLACES_SQL = f"""coalesce((
    SELECT json_agg(json_build_object('id', pl.id, 'slug', pl.slug, 'nom', pl.name,
                                      'departement', pl.department_code) ORDER BY pl.sort_name, pl.id)
    FROM practice_place pp JOIN place pl ON pl.id = pp.place_id
    WHERE pp.practice_id = b.id AND {PLACE_WORKFLOW.public_sql("pl.moderation")}), '[]'::json)"""

FIELDS: tuple[Field, ...] = (
    Field("id", f.UUID, "Practice UUID", _o(S, D, FEED), column="id", alias="b"),
    Field("slug", f.TEXT, "Stable readable identifier", _o(S, D, FEED), column="slug", alias="b"),
    Field("titre", f.TEXT, "Title", _o(S, D, FEED, W), column="title", alias="b"),
    Field("resume", f.TEXT, "Short summary, plain text", _o(S, D, FEED, W), column="summary", alias="b"),
    Field("contenu", f.TEXT, "Markdown, as written", _o(D, FEED, W), column="content_md", alias="b"),
    Field("contenu_html", f.TEXT, "Sanitised HTML rendering of `contenu`", _o(D, FEED), column="content_html",
          alias="b"),
    Field("thematiques", f.codes_kind(vocab.THEMES), "Themes (codes of /v1/vocabulaires)", _o(S, D, FEED, W),
          column="themes", alias="b"),
    # Written as ids (PracticeWrite), read as place references; stored in practice_place, not a column.
    Field("lieux", f.ARRAY, "The places it comes from", _o(S, D, FEED, W), sql=PLACES_SQL, alias="b"),
    Field("organisation", f.UUID, "Owning organisation", _o(S, D, FEED), column="organisation_id", alias="b"),
    Field("liens", f.codes_kind(format="uri"), "Related web pages", _o(D, FEED, W), column="links", alias="b"),
    Field("pieces_jointes", f.codes_kind(format="uri"), "Attachments as URLs", _o(D, FEED, W),
          column="attachments", alias="b"),
    Field("statut", f.code_kind(vocab.STATUSES), "Status (also its moderation state)", _o(D, FEED),
          column="status", alias="b"),
    # Owners and admins only: not in the public feed.
    Field("motif_moderation", f.TEXT, "Reason of the last rejection", _o(D), column="moderation_reason", alias="b"),
    Field("publiee_le", f.DATETIME, "First publication", _o(S, D, FEED), column="published_at", alias="b"),
    Field("cree_le", f.DATETIME, "Creation", _o(D, FEED), column="created_at", alias="b"),
    Field("maj_le", f.DATETIME, "Last update", _o(S, D, FEED), column="updated_at", alias="b"),
    Field("version", f.INTEGER, "Version (ETag `\"<id>-v<version>\"`)", _o(D, FEED), column="version", alias="b"),
    # Freshness (README "Freshness"): `fraicheur` is decided by the clock, never in the feed.
    Field("verifie_le", f.DATETIME, "Last confirmation or edit by its owner or an admin", _o(S, D, FEED),
          column="verified_at", alias="b"),
    Field("fraicheur", f.code_kind(freshness.FRESHNESS), "Freshness from verifie_le", _o(S, D),
          template=lambda a: freshness.status_sql(f"{a}.verified_at"), reads=("verified_at",), clock=True,
          alias="b"),
    Field("provenance", f.OBJECT, "Per field: who set its current value last and when", _o(D, FEED),
          column="provenance", alias="b"),
)

SUMMARY_JSON = f.json_object(f.pairs(FIELDS, S))
# The feed's representation: migration 0400's practice_public_json must return it (tests/practices/test_fields.py);
# a new feed field is a migration running FEED_FUNCTION as printed then (see places/fields.py).
FEED_JSON = f.nested_json(FIELDS, FEED)
FEED_FUNCTION = ("CREATE OR REPLACE FUNCTION practice_public_json(b practice) RETURNS jsonb LANGUAGE sql STABLE "
                 f"PARALLEL SAFE\nRETURN {FEED_JSON}")
# Top-level fields stored in a column of their own (`lieux` lives in practice_place).
DETAIL_COLUMNS = {x.name: x.column for x in f.fields(FIELDS, D) if x.column}
WRITE_COLUMNS = {x.name: x.column for x in f.fields(FIELDS, W) if x.column}
