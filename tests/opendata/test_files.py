"""Reading real-world files (encodings, separators, blank lines, spaces), native values, mapping files."""

import json
import re
from decimal import Decimal

import pytest

from reseau_api.opendata import mapping as mappings
from reseau_api.opendata import native, reader
from reseau_api.opendata.exceptions import ImportFileError

TEXT = "nom;commune\nLa Mêlée;Béziers\n"


@pytest.mark.parametrize(("data", "encoding"), [
    (TEXT.encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("cp1252"), "cp1252"),
    (TEXT.encode("utf-16"), "utf-16"),
    ("nom;commune\nL’Œil – atelier…;Béziers\n".encode("cp1252"), "cp1252"),
    (b"nom;commune\nLa M\xeal\xe9e\x81;B\xe9ziers\n", "latin-1"),  # 0x81 is not Windows-1252
])
def test_encodings(data: bytes, encoding: str) -> None:
    parsed = reader.read(data, "f.csv", max_rows=10)
    assert parsed.encoding == encoding
    assert parsed.rows[0].values["nom"].startswith(("La Mêlée", "L’Œil"))
    assert parsed.rows[0].values["commune"] == "Béziers"


@pytest.mark.parametrize(("header", "delimiter"), [
    ("nom;commune;adresse", ";"), ("nom,commune,adresse", ","), ("nom\tcommune\tadresse", "\t"),
    ('"nom;x",commune,adresse', ","),  # a quoted name holding another separator does not mislead
])
def test_separators(header: str, delimiter: str) -> None:
    assert reader.detect_delimiter(header) == delimiter


def test_blank_lines_spaces_and_line_numbers() -> None:
    data = ("nom ; commune \r\n\r\n  Le Hub ;\u00a0Albi\u00a0\r\n;\r\n\r\nLa Serre;Toulouse\r\n").encode()
    parsed = reader.read(data, "f.csv", max_rows=10)
    assert parsed.columns == ["nom", "commune"]
    assert [(r.line, r.values) for r in parsed.rows] == [
        (3, {"nom": "Le Hub", "commune": "Albi"}), (6, {"nom": "La Serre", "commune": "Toulouse"})]


def test_a_quoted_value_over_several_lines_keeps_its_starting_line() -> None:
    data = b'nom,description\nA,"one\ntwo"\nB,x\n'
    parsed = reader.read(data, "f.csv", max_rows=10)
    assert [(r.line, r.values["description"]) for r in parsed.rows] == [(2, "one\ntwo"), (4, "x")]


def test_shape_problems_are_row_errors_or_file_errors() -> None:
    parsed = reader.read(b"nom;commune\nA;B;C\nD;E;;\nF\n", "f.csv", max_rows=10)
    assert parsed.rows[0].errors == ["3 cells but the header has 2 columns (a separator inside an unquoted value?)"]
    assert parsed.rows[1].errors == [] and parsed.rows[2].values == {"nom": "F", "commune": ""}
    for data, message in [
        (b"", "the file is empty"), (b"\n\n  \n", "the file is empty"),
        (b"PK\x03\x04rest", "save it as CSV"), (b"nom\x00;x\n", "NUL bytes"),
        (b"nom;Nom\nA;B\n", "column 'Nom' appears twice"),
        (b"nom\n" + b"x\n" * 11, "more than 10 rows"),
    ]:
        with pytest.raises(ImportFileError, match=message):
            reader.read(data, "f.csv", max_rows=10)


def test_geojson_features() -> None:
    document = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1.5, 43.6]},
         "properties": {"nom": " Le Hub ", "postes": 12}},
        {"type": "Feature", "geometry": None, "properties": {"nom": "Sans position"}},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]}, "properties": {}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": ["1", 2]}, "properties": None},
        "not a feature",
    ]}
    parsed = reader.read(json.dumps(document).encode(), "f.geojson", max_rows=10)
    assert parsed.format == "geojson" and parsed.columns == ["nom", "postes", "longitude", "latitude"]
    assert parsed.rows[0].values == {"nom": "Le Hub", "postes": 12, "longitude": 1.5, "latitude": 43.6}
    assert parsed.rows[1].values == {"nom": "Sans position"} and parsed.rows[1].errors == []
    assert parsed.rows[2].errors == ["geometry must be a Point (got LineString)"]
    assert parsed.rows[3].errors == ["Point coordinates must be [longitude, latitude] numbers"]
    assert parsed.rows[4].errors == ["not a GeoJSON Feature"]
    with pytest.raises(ImportFileError, match="FeatureCollection"):
        reader.read(b'{"type": "Feature"}', "f.json", max_rows=10)
    with pytest.raises(ImportFileError, match="not valid JSON"):
        reader.read(b'{"type": ', "f.geojson", max_rows=10)


def convert(**values: object) -> native.PlaceInput:
    row = native.to_place_input(2, {"source": "test", "source_id": "1", **values}, default_source=None)
    native.validate(row)
    return row


def test_spreadsheet_values_become_api_values() -> None:
    row = convert(
        nom="Le Hub", statut="Ouvert", departement="9", types="Coworking | Fablab", services="wifi,Fibre optique",
        longitude="1,4442", latitude=" 43,6046 ", postes="12,0", prix_journee="1 200,50", acces_24_7="oui",
        mise_en_reseau="FAUX", ouverture_prevue="31/12/2026", publics="Indépendants|salaries",
        code_postal="9000", images="https://a.example/1.jpg|https://a.example/2.jpg",
    )
    assert row.reasons == []
    data = row.data
    assert data is not None
    assert (data.statut, data.departement, data.types, data.services) == (
        "ouvert", "09", ["coworking", "fablab"], ["wifi", "fibre"])
    assert (data.position.lon, data.position.lat) == (1.4442, 43.6046)
    assert data.teletravail.postes == 12 and data.teletravail.prix_journee == Decimal("1200.50")
    assert data.teletravail.acces_24_7 is True and data.mise_en_reseau is False
    assert str(data.ouverture_prevue) == "2026-12-31" and data.teletravail.publics == ["independants", "salaries"]
    assert data.code_postal == "09000" and len(data.images) == 2
    assert [(w.field, w.message) for w in row.warnings] == [
        ("code_postal", "'9000' read as '09000' (a spreadsheet ate the leading zero)")]


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"postes": "12,5"}, "postes", "must be a whole number"),
    ({"prix_journee": "1.200,50"}, "prix_journee", "ambiguous number"),
    ({"prix_journee": "gratuit"}, "prix_journee", "expected a number"),
    ({"prix_mois": "-3"}, "prix_mois", "greater than or equal to 0"),
    ({"acces_24_7": "parfois"}, "acces_24_7", "expected true/false or oui/non"),
    ({"ouverture_prevue": "bientôt"}, "ouverture_prevue", "expected a date"),
    ({"longitude": "1.4"}, "latitude", "longitude and latitude go together"),
    ({"latitude": "95", "longitude": "1"}, "latitude", "less than or equal to 90"),
    ({"types": "coworking|spaceship"}, "types", "'spaceship' is not allowed"),
    ({"statut": "ouvert", "longitude": None, "latitude": None}, None, "needs a position"),
    ({"departement": "75"}, "departement", "department 75 is outside the configured region (09, 11,"),
    ({"code_postal": "310"}, "code_postal", "String should match pattern"),
    ({"site_web": "javascript:alert(1)"}, "site_web", "absolute http:// or https:// URL"),
    ({"telephone": "12"}, "telephone", "French phone number"),
    ({"horaires": "Mo-Fr 9h-18h"}, "horaires", "opening_hours"),
    ({"id": "12"}, "id", "must be the UUID of a place exported by reseau-api"),
    ({"source_id": ""}, "source_id", "required"),
    ({"source_id": "x" * 101}, "source_id", "at most 100 characters"),
])
def test_bad_values_are_reasons_naming_the_column(values: dict, field: str | None, message: str) -> None:
    base = {"nom": "Le Hub", "statut": "en_projet", "departement": "31"}
    row = convert(**{**base, **values})
    assert row.data is None
    assert any(r.field == field and message in r.message for r in row.reasons), row.reasons


def test_native_header_is_case_insensitive_and_names_unknown_columns() -> None:
    renames, unknown = native.native_header(["NOM", "Code_Postal", "tel", "maj_le"])
    assert renames == {"NOM": "nom", "Code_Postal": "code_postal", "maj_le": "maj_le"} and unknown == ["tel"]


def test_shipped_mapping_and_its_rules() -> None:
    census = mappings.load("cget-2019")
    assert census.name == "cget-2019" and census.source and "CONTACT" in census.ignore
    raw = {"ID": "7", "NOM_TL": "X", "TYPO": "Tiers lieux à dominante fablab", "ADRESSE": "", "CP": "0",
           "NOMCOM": "", "NOMCOMMETRO": "Foix", "INSEECOM": "0", "INSEEMETRO": "9122", "INSEEDEP": "09",
           "LONG": "1.6", "LAT": "42.9", "WEB": "fablab.example", "CONTACT": "Personne Fictive"}
    values, warnings = census.apply(raw)
    assert values == {"source_id": "7", "nom": "X", "types": ["fablab"], "adresse": "", "code_postal": "",
                      "commune": "Foix", "code_insee": "09122", "departement": "09", "longitude": "1.6",
                      "latitude": "42.9", "site_web": "http://fablab.example", "statut": "ouvert",
                      "recensement_2019": "7"}  # copied from source_id
    assert warnings == []
    with pytest.raises(mappings.MappingError, match="copies names unknown native column"):
        mappings.parse({"columns": {"ID": "source_id"}, "copies": {"source_id": ["nulle_part"]}}, name="m")


def test_mapping_files_json_and_toml(tmp_path) -> None:
    toml = tmp_path / "annuaire.toml"
    toml.write_text('source = "Annuaire du réseau"\n[columns]\nNom = "nom"\nDept = "departement"\n'
                    '[values.statut]\n"Ouvert au public" = "ouvert"\n[constants]\nstatut = "en_projet"\n',
                    encoding="utf-8")
    loaded = mappings.load(toml)
    assert loaded.name == "annuaire" and loaded.source == "Annuaire du réseau"
    assert loaded.apply({"Nom": "A", "Dept": "31"})[0] == {"nom": "A", "departement": "31", "statut": "en_projet"}
    with pytest.raises(ImportFileError, match="column\\(s\\) Dept of mapping 'annuaire' not in the file"):
        loaded.check_file(["Nom"])
    assert loaded.check_file(["nom", "DEPT", "Autre"]) == ["Autre"]


@pytest.mark.parametrize(("content", "message"), [
    ([], "a mapping is an object"),
    ({"columns": {"A": "nom"}, "colonnes": {}}, "unknown key(s) colonnes"),
    ({"columns": {}}, "maps at least one foreign column"),
    ({"columns": {"A": "name"}}, "maps to 'name', which is not a native column"),
    ({"columns": {"A": "nom", "MAIL": "email"}, "ignore": ["mail"]}, "both mapped and ignored"),
    ({"columns": {"A": "nom"}, "transforms": {"nom": ["titlecase"]}}, "unknown transform(s) titlecase"),
    ({"columns": {"A": "nom"}, "constants": {"statu": "ouvert"}}, "constants names unknown native column(s) statu"),
    ({"columns": {"A": 3}}, "`columns` must be an object of strings"),
])
def test_bad_mappings_are_refused(content: object, message: str) -> None:
    with pytest.raises(mappings.MappingError) as error:
        mappings.parse(content, name="m")
    assert message in str(error.value)


def test_only_shipped_mappings_by_name() -> None:
    with pytest.raises(mappings.MappingError, match=re.escape("no mapping '../cget-2019'")):
        mappings.load_shipped("../cget-2019")
    with pytest.raises(mappings.MappingError, match="not valid JSON"):
        mappings.parse_text("{", name="upload.json")
