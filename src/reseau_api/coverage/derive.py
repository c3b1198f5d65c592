"""Rebuild `data/communes-occitanie-2021.csv` from the INSEE/IGN commune table (Licence Ouverte).

The source has one row per commune *and postcode* (Toulouse appears six times, with the same centre
and population); the derived table keeps one row per INSEE code. Run once by a maintainer:

    python -m reseau_api.coverage.derive SOURCE.csv [OUTPUT.csv]

The API never reads the source; migration 0031 loads the derived file.
"""

import csv
import sys
from pathlib import Path

DERIVED_FILE = Path(__file__).resolve().parents[1] / "data" / "communes-occitanie-2021.csv"
COLUMNS = ["insee", "name", "dep", "lat", "lon", "population"]


def derive(source: Path, output: Path = DERIVED_FILE) -> int:
    communes: dict[str, list[str]] = {}
    with source.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row["insee_com"].strip()
            record = [code, row["commune_article"].strip() or row["commune"].strip(), row["insee_dep"].strip(),
                      row["lat"].strip(), row["lng"].strip(), str(int(row["population_2021"] or 0))]
            kept = communes.setdefault(code, record)
            if kept != record:  # one commune, several postcodes: the rest must agree
                raise ValueError(f"commune {code}: rows disagree ({kept} vs {record})")
    with output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(sorted(communes.values()))
    return len(communes)


if __name__ == "__main__":
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else DERIVED_FILE
    print(f"{derive(Path(sys.argv[1]), target)} communes written to {target}")
