"""Micro-benchmark of the hot path's parse: µs per request to turn a `/v1/lieux` query string into
`PlaceFilters` (`parse_query` + the reader derived from `PLACE_FILTERS` + `to_filters`), in-process,
no server and no database. Best of many short repeats, so that a busy machine mostly adds noise upward.

    .venv/bin/python -m bench.parse
"""

import timeit

from reseau_api.core.hot import parse_query
from reseau_api.places.hot import hot_filters

CASES = {
    "none": b"",
    "bbox": b"bbox=3.8,43.5,3.9,43.7",
    "pres_de": b"pres_de=43.61,3.87&rayon=5000",
    "ten filters": (b"q=cowork%20gare&type=coworking&type=fablab&departement=34&services=wifi&teletravail=true"
                    b"&postes_min=5&prix_journee_max=18.50&code_insee=34172&statut=ouvert"),
    "fraicheur": b"fraicheur=a_jour&bbox=3.8,43.5,3.9,43.7",
    "siret": b"siret=73282932000074",
    "ouvert_le": b"ouvert_le=2026-12-01T10:00:00%2B01:00&departement=34",
}


def best_us(query_string: bytes, number: int = 1000, repeat: int = 60) -> float:
    def run() -> object:
        return hot_filters(parse_query(query_string))
    run()
    return min(timeit.repeat(run, number=number, repeat=repeat)) / number * 1e6


if __name__ == "__main__":
    for name, query_string in CASES.items():
        print(f"{name:12s} {best_us(query_string):6.2f} µs")
