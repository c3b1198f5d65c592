"""Screenshots of every screen of the member space, for docs/espace-membre/.

    .venv/bin/python -m tests.memberspace.screenshots http://127.0.0.1:8000 <admin key>

against `make run` (the demo data): it registers an example organisation with a key, gives it a census
place, edits it, and walks through the screens as that member and as the admin.
"""

import random
import sys
import uuid

import httpx

from reseau_api.core.config import PROJECT_ROOT
from tests.memberspace.conftest import MemberBrowser

OUT = PROJECT_ROOT / "docs" / "espace-membre"


def main(base: str, admin_key: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    admin = httpx.Client(base_url=f"{base}/v1", headers={"Authorization": f"Bearer {admin_key}"}, timeout=10)
    org = admin.post("/organisations", json={"nom": f"Tiers-lieu du Lauragais (exemple {uuid.uuid4().hex[:4]})",
                                             "forme_juridique": "association", "nature": "associatif"}).json()
    member = admin.post(f"/organisations/{org['id']}/cles", json={"libelle": "Équipe du lieu"}).json()["cle"]
    api = httpx.Client(base_url=f"{base}/v1", headers={"Authorization": f"Bearer {member}"}, timeout=10)
    lon = round(1.9527 + random.uniform(0.001, 0.01), 4)  # apart from earlier runs' example: not a duplicate
    place = admin.post(f"/lieux?publier=true&organisation={org['id']}", json={
        "nom": "La Grange numérique (exemple)", "statut": "ouvert", "departement": "11", "commune": "Castelnaudary",
        "adresse": "2 rue de la Gare", "code_postal": "11400", "position": {"lon": lon, "lat": 43.3181},
        "types": ["coworking", "fablab"], "services": ["wifi", "salle_reunion"],
        "horaires": "Mo-Fr 09:00-18:00; PH off",
        "teletravail": {"postes": 12, "prix_journee": 15, "publics": ["independants", "salaries"]}}).json()
    etag = api.get(f"/lieux/{place['id']}").headers["etag"]
    api.patch(f"/lieux/{place['id']}", json={"teletravail": {"prix_journee": 18}},
              headers={"If-Match": etag, "Content-Type": "application/merge-patch+json"})
    api.post("/lieux", json={"nom": "Le Hangar (exemple, brouillon)", "statut": "en_projet", "departement": "11",
                             "commune": "Bram"})
    census = admin.get("/lieux", params={"q": "Toulouse", "limit": 1}).json()["items"][0]

    with MemberBrowser(base, width=1100, height=900) as page:
        page.open()
        page.full_screenshot(OUT / "connexion.png")
        page.sign_in(member)
        page.show("#/lieux")
        page.full_screenshot(OUT / "mes-lieux.png")
        page.show(f"#/lieux/{place['id']}")
        page.wait_for("document.getElementById('petite-carte').dataset.pret === '1'")
        page.wait_for("document.getElementById('horaires-verification').dataset.valide === 'oui'")
        page.full_screenshot(OUT / "fiche-lieu.png", scale=0.6)
        etag = api.get(f"/lieux/{place['id']}").headers["etag"]
        api.patch(f"/lieux/{place['id']}", json={"telephone": "04 68 00 00 00"},
                  headers={"If-Match": etag, "Content-Type": "application/merge-patch+json"})
        page.fill("#champ-teletravail-postes", "16")
        page.click("form.fiche button[type=submit]")
        page.wait_for("!document.getElementById('conflit').hidden")
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot_to(OUT / "conflit.png")
        page.click("#reappliquer")
        page.wait_for("document.getElementById('annonce').textContent.includes('réappliquées')")
        page.show(f"#/lieux/{place['id']}/historique")
        page.full_screenshot(OUT / "historique.png")
        page.show("#/pratiques/nouvelle")
        page.fill("#champ-titre", "Un pass télétravail avec la communauté de communes")
        page.fill("#champ-contenu", "## Le principe\n\nLa communauté de communes finance la **moitié** du carnet "
                                    "de dix journées.\n\n- inscription à l'accueil\n- valable un an\n\n"
                                    "[Le règlement](https://exemple.fr/pass)")
        page.wait_for("document.getElementById('apercu').innerText.includes('Le principe')")
        page.full_screenshot(OUT / "bonne-pratique.png", scale=0.8)
        page.show("#/revendiquer")
        page.fill("#recherche-lieu", census["nom"])
        page.click("form[role=search] button")
        page.wait_for("!!document.querySelector('#resultats button')")
        page.click("#resultats button")
        page.wait_for("!!document.getElementById('champ-message')")
        page.fill("#champ-message", "Nous animons ce lieu depuis 2021 avec la mairie.")
        page.click("#fiche-revendication button[type=submit]")
        page.wait_for("document.getElementById('annonce').textContent.includes('Demande envoyée')")
        page.fill("#recherche-lieu", census["nom"])
        page.click("form[role=search] button")
        page.wait_for("!!document.querySelector('#resultats button')")
        page.full_screenshot(OUT / "revendiquer.png")
        page.call("Emulation.setDeviceMetricsOverride", width=390, height=844, deviceScaleFactor=1, mobile=True)
        page.show("#/lieux")
        page.screenshot_to(OUT / "telephone.png")
        page.call("Emulation.setDeviceMetricsOverride", width=1100, height=900, deviceScaleFactor=1, mobile=False)
        page.sign_out()
        page.sign_in(admin_key)
        page.show("#/moderation")
        page.full_screenshot(OUT / "moderation.png", scale=0.8)
        page.show("#/revendications")
        page.full_screenshot(OUT / "revendications.png")
        page.show("#/organisations")
        page.screenshot_to(OUT / "organisations.png")
        page.show(f"#/organisations/{org['id']}")
        page.fill("#champ-libelle", "Site web du lieu")
        page.click("form.fiche button[type=submit]")
        page.wait_for("!!document.getElementById('cle-valeur')")
        page.full_screenshot(OUT / "cle-emise.png")
        page.sign_out()
    print(f"{OUT}: {', '.join(sorted(p.name for p in OUT.glob('*.png')))}")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), sys.argv[2])
