"""How the census copies in this folder were made (run once; kept for provenance).

    python tests/opendata/data/make_census_copies.py path/to/CGET_TiersLieux_2019.csv

- cget-tiers-lieux-2019.csv: the whole national file (1,512 rows) without the CONTACT and MAIL columns
  (private persons), and with the WEB cell of row ID 1414 emptied (it holds a person's name, not a URL).
- cget-2019-excerpt.csv: 41 representative rows of it (Occitanie and elsewhere, `0` codes, blank NOMCOM,
  blank TYPO, no address, truncated and invalid websites, Corsica rows placed far away, French Guiana).
- cget-2019-excerpt-latin1.csv: the excerpt in Windows-1252 ("Latin-1" as spreadsheets write it), CRLF.
- cget-2019-excerpt-semicolon.csv: the excerpt with `;` separators, decimal commas in LAT/LONG, a UTF-8
  BOM, stray spaces around values and empty lines.
"""

import csv
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PRIVATE = ("CONTACT", "MAIL")
EXCERPT_IDS = [
    # Occitanie: no scheme in WEB; CP 0; INSEECOM 0 and blank NOMCOM; truncated WEB; no address; fablabs;
    # blank TYPO
    "13", "14", "458", "464", "496", "659", "860", "1038", "1039", "1040", "1045", "1046", "1081", "1089",
    "1111", "1120", "1132", "1228", "1494", "1498", "1206",
    # elsewhere: outside the region; invalid websites; Corsica (two placed 8,000 km away); French Guiana
    "1", "2", "3", "4", "5", "100", "200", "300", "400", "500", "240", "1015", "1023", "1496", "453", "777",
    "1291", "1294", "1211", "1274",
]


def main(source: Path) -> None:
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = [c for c in reader.fieldnames or [] if c not in PRIVATE]
        rows = [{c: row[c] for c in columns} for row in reader]
    for row in rows:
        if row["ID"] == "1414":
            row["WEB"] = ""
    write(HERE / "cget-tiers-lieux-2019.csv", columns, rows)
    by_id = {row["ID"]: row for row in rows}
    excerpt = [by_id[i] for i in EXCERPT_IDS]
    write(HERE / "cget-2019-excerpt.csv", columns, excerpt)
    buffer = io.StringIO()
    csv.DictWriter(buffer, columns, lineterminator="\r\n").writeheader()
    csv.DictWriter(buffer, columns, lineterminator="\r\n").writerows(excerpt)
    (HERE / "cget-2019-excerpt-latin1.csv").write_bytes(buffer.getvalue().encode("cp1252"))
    lines = ["\ufeff" + ";".join(columns)]
    for number, row in enumerate(excerpt):
        cells = []
        for column in columns:
            value = row[column]
            if column in ("LAT", "LONG"):
                value = value.replace(".", ",")
            if number % 3 == 0:
                value = f" {value} "
            if ";" in value or '"' in value:
                value = '"' + value.replace('"', '""') + '"'
            cells.append(value)
        lines.append(";".join(cells))
        if number % 10 == 4:
            lines += ["", ";" * (len(columns) - 1)]
    (HERE / "cget-2019-excerpt-semicolon.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


def write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
