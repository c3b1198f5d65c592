"""Reconstruct a record-level data set of the Occitanie Region's 2017 "AMI Tiers-Lieux".

SYNTHETIC DATA: only the aggregate figures of the call were published. Every row written here
is invented (titles, communes, amounts, challenges, needs) so that the aggregates match the
published figures exactly; no row describes a real application. Do not present rows as actual
candidatures. The asserts at the end prove the published aggregates hold.

Deterministic: fixed seed, standard library only, Python 3.11.
Usage: python scripts/reconstruct_ami.py [communes_csv]
"""

import csv
import math
import random
import sys
from collections import Counter
from pathlib import Path

SEED = 2017
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src/reseau_api/ami/data/candidatures_2017.csv"
COMMUNES = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/occitanie-communes-2024.csv")
COLUMNS = ["id", "intitule", "type_projet", "mise_en_reseau", "departement", "nature", "forme_juridique",
           "plan_financement_5ans_eur", "defis", "besoins", "lieu"]

# Published figures.
N, N_CREATION, N_EXTENSION, N_RESEAU = 154, 102, 52, 38
BY_DEP = {"09": 6, "11": 11, "12": 9, "30": 4, "31": 43, "32": 4, "34": 26, "46": 7, "48": 14, "65": 12,
          "66": 3, "81": 13, "82": 2}
N_NO_PLAN, PLAN_MIN, PLAN_MAX, N_MULTI_DEFIS = 46, 45_261, 21_000_000, 131

# Not published: a realistic split (associations and local authorities dominate), sums to 154.
FORMS = {"association": 46, "commune": 25, "epci": 20, "sas": 11, "sarl": 9, "scic": 9, "scop": 5,
         "auto_entrepreneur": 5, "entreprise_liberale": 4, "epic": 5, "sem": 4, "syndicat_mixte": 6,
         "epscp": 5}
NATURE = {"association": "associatif", **dict.fromkeys(
    ["auto_entrepreneur", "entreprise_liberale", "sarl", "sas", "scic", "scop"], "prive"), **dict.fromkeys(
    ["epic", "sem", "syndicat_mixte", "commune", "epci", "epscp"], "public")}
NEEDS = {"aide_investissement": 5.0, "aide_fonctionnement": 3.5, "accompagnement": 2.5, "communication": 2.0,
         "infrastructure": 2.0, "soutien_teletravail": 1.5, "organisation_reseau": 1.0}
RURAL = {"09", "11", "12", "32", "46", "48", "65", "81", "82"}
METROPOLES = {"Toulouse", "Montpellier"}

# Creations never describe a pure fablab (excluded from the call); fablab extensions are allowed.
T_CREATION = ["Création d'un espace de coworking {a}", "Création d'un tiers-lieu {a}",
              "Création d'un tiers-lieu rural et numérique {a}", "Création d'un espace de télétravail {a}",
              "Création d'un tiers-lieu avec coworking et atelier partagé {a}",
              "Création d'une maison des services et du coworking {a}",
              "Création d'un espace de travail partagé en centre-bourg {a}",
              "Création d'un tiers-lieu culturel et numérique {a}",
              "Aménagement d'un espace de coworking dans une ancienne friche {a}"]
T_EXTENSION = ["Extension du tiers-lieu {d}", "Extension du fablab {d}", "Agrandissement du coworking {d}",
               "Extension et mise aux normes du tiers-lieu {d}", "Nouveaux services du coworking {d}"]
T_RESEAU = ["Extension du tiers-lieu {d} et mise en réseau", "Extension du fablab {d} et mise en réseau",
            "Agrandissement du coworking {d} et animation d'un réseau local",
            "Développement du tiers-lieu {d} et structuration du réseau départemental"]
VOWELS = tuple("AEIOUYÉÈÊÂÎÔ")


def a_form(name: str) -> str:
    """'à' + commune with French contraction (au Vigan, aux Angles)."""
    if name.startswith("Le "):
        return "au " + name[3:]
    if name.startswith("Les "):
        return "aux " + name[4:]
    return "à " + name


def d_form(name: str) -> str:
    """'de' + commune with contraction/elision (du Vigan, des Angles, d'Albi)."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    return ("d'" if name.startswith(VOWELS) else "de ") + name


def weighted_pick(rng: random.Random, weights: dict, k: int) -> list:
    """k distinct keys, weighted, without replacement (Efraimidis-Spirakis keys)."""
    keyed = sorted(weights, key=lambda x: rng.random() ** (1 / weights[x]), reverse=True)
    return keyed[:k]


def load_communes() -> dict[str, list[tuple[str, int]]]:
    """Largest communes per department (deduplicated: the source repeats multi-postcode communes)."""
    seen, by_dep = set(), {}
    with COMMUNES.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["insee_com"] not in seen:
                seen.add(r["insee_com"])
                pop = int(r["population_2021"])
                by_dep.setdefault(r["insee_dep"], []).append((r["commune_article"], pop))
    # Pool size grows with the department's project count so that titles can vary.
    size = {d: max(12, BY_DEP.get(d, 0) * 2 // 3) for d in by_dep}
    return {d: sorted(v, key=lambda c: -c[1])[: size[d]] for d, v in by_dep.items()}


def amount(rng: random.Random, nature: str) -> int:
    """Log-normal 5-year budget, public holders larger; strictly inside the published min/max."""
    median = {"public": 600_000, "prive": 280_000, "associatif": 220_000}[nature]
    while True:
        x = math.exp(rng.gauss(math.log(median), 0.8))
        if 60_000 <= x <= 4_000_000:
            return int(round(x, -2)) if rng.random() < 0.7 else round(x)


def main() -> None:
    rng = random.Random(SEED)
    communes = load_communes()
    deps = [d for d, n in BY_DEP.items() for _ in range(n)]
    types = ["creation"] * N_CREATION + ["extension"] * N_EXTENSION
    forms = [f for f, n in FORMS.items() for _ in range(n)]
    rng.shuffle(types)
    rng.shuffle(forms)
    ext_idx = [i for i, t in enumerate(types) if t == "extension"]
    reseau = set(rng.sample(ext_idx, N_RESEAU))
    single = set(rng.sample(range(N), N - N_MULTI_DEFIS))

    # No financing plan: small private/associative holders more often lacked one.
    no_plan_w = {i: {"associatif": 1.5, "prive": 1.2, "public": 0.6}[NATURE[forms[i]]] for i in range(N)}
    no_plan = set(weighted_pick(rng, no_plan_w, N_NO_PLAN))
    plans = {i: amount(rng, NATURE[forms[i]]) for i in range(N) if i not in no_plan}
    # Published extremes: the largest is a public network project, the smallest an associative creation.
    big = [i for i in plans if NATURE[forms[i]] == "public" and i in reseau and deps[i] in ("31", "34")]
    small = [i for i in plans if forms[i] == "association" and types[i] == "creation"]
    plans[rng.choice(big)] = PLAN_MAX
    plans[rng.choice(small)] = PLAN_MIN

    rows, titles = [], set()
    for i in range(N):
        dep, form = deps[i], forms[i]
        pool = communes[dep]
        templates = T_RESEAU if i in reseau else T_EXTENSION if types[i] == "extension" else T_CREATION
        templates = T_RESEAU[-1:] if plans.get(i) == PLAN_MAX else templates  # the 21 M€ network project
        for _ in range(1000):  # redraw until the title is unique
            # Universities (EPSCP) sit in the department's main towns; others spread, larger favoured.
            cands = pool[:2] if form == "epscp" else pool
            name, pop = rng.choices(cands, [p**0.7 for _, p in cands])[0]
            # "Rural"/"centre-bourg" wording only for small towns of rural departments.
            rural = dep in RURAL and pop < 30_000
            fits = [t for t in templates if rural or not ("rural" in t or "centre-bourg" in t)]
            title = rng.choice(fits).format(a=a_form(name), d=d_form(name))
            if title not in titles:
                break
        else:
            raise RuntimeError(f"no unique title for row {i}")
        titles.add(title)

        # Challenges: metropolitan projects lean on challenge 2, rural departments on challenge 3.
        dw = {1: 1.0, 2: 3.0 if name in METROPOLES else 1.0, 3: 2.5 if dep in RURAL else 1.0, 4: 1.0, 5: 0.8}
        k = 1 if i in single else rng.choices([2, 3, 4, 5], [40, 35, 18, 7])[0]
        defis = sorted(weighted_pick(rng, dw, k))
        nw = dict(NEEDS, organisation_reseau=3.0 if i in reseau else 1.0)
        picked = weighted_pick(rng, nw, rng.choices([1, 2, 3, 4], [15, 40, 30, 15])[0])
        besoins = [b for b in NEEDS if b in picked]  # canonical order
        rows.append({"intitule": title, "type_projet": types[i], "mise_en_reseau": str(i in reseau).lower(),
                     "departement": dep, "nature": NATURE[form], "forme_juridique": form,
                     "plan_financement_5ans_eur": plans.get(i, ""), "defis": "|".join(map(str, defis)),
                     "besoins": "|".join(besoins), "lieu": ""})

    rows.sort(key=lambda r: r["departement"])  # stable: listing by department, as in a dossier register
    for n, r in enumerate(rows, 1):
        r["id"] = f"AMI2017-{n:03d}"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    check(OUT)


def check(path: Path) -> None:
    """Re-read the written CSV and assert every published figure and consistency rule."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == COLUMNS and len(rows) == N
    assert [r["id"] for r in rows] == [f"AMI2017-{n:03d}" for n in range(1, N + 1)]
    assert len({r["intitule"] for r in rows}) == N
    assert Counter(r["type_projet"] for r in rows) == {"creation": N_CREATION, "extension": N_EXTENSION}
    net = [r for r in rows if r["mise_en_reseau"] == "true"]
    assert len(net) == N_RESEAU and all(r["type_projet"] == "extension" for r in net)
    assert all(r["mise_en_reseau"] in ("true", "false") for r in rows)
    assert Counter(r["departement"] for r in rows) == BY_DEP
    assert all(NATURE[r["forme_juridique"]] == r["nature"] for r in rows)
    assert set(Counter(r["forme_juridique"] for r in rows)) == set(FORMS) and len(FORMS) == 13
    plans = [int(r["plan_financement_5ans_eur"]) for r in rows if r["plan_financement_5ans_eur"]]
    assert N - len(plans) == N_NO_PLAN and min(plans) == PLAN_MIN and max(plans) == PLAN_MAX
    defis = [r["defis"].split("|") for r in rows]
    assert all(d and set(d) <= set("12345") and len(set(d)) == len(d) for d in defis)
    assert sum(len(d) >= 2 for d in defis) == N_MULTI_DEFIS
    needs = Counter(b for r in rows for b in r["besoins"].split("|"))
    assert set(needs) <= set(NEEDS) and all(r["besoins"] for r in rows)
    top = needs.most_common(2)
    assert top[0][0] == "aide_investissement" and top[0][1] > top[1][1]
    assert all(r["lieu"] == "" for r in rows)
    assert not any(r["type_projet"] == "creation" and "fablab" in r["intitule"].lower() for r in rows)
    assert path.read_bytes().count(b"\r") == 0
    print(f"OK {path}: {len(rows)} rows, needs={dict(needs)}")


if __name__ == "__main__":
    main()
