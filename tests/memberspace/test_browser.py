"""The member space in headless Chromium against a real server: what a member and an animator do by
clicking, checked through the API; axe-core on every screen."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.memberspace.conftest import MemberBrowser, World


def announced(page: MemberBrowser, text: str) -> str:
    return page.wait_for(f"(() => {{ const t = document.getElementById('annonce').textContent; "
                         f"return t.includes({json.dumps(text)}) && t }})()")


def storage(page: MemberBrowser) -> dict[str, str]:
    return page.evaluate("""(() => { const all = {};
        for (const s of [sessionStorage, localStorage])
            for (let i = 0; i < s.length; i++) all[s.key(i)] = s.getItem(s.key(i));
        return all })()""")


def test_sign_in_shows_who_and_sign_out_leaves_no_key(page: MemberBrowser, world: World) -> None:
    page.sign_in(world.member)
    prefix = world.member.split("_")[1]
    assert page.text("#connecte") == \
        f"Connecté : {world.organisation_name} · clé {prefix} (Site de la Fabrique) Se déconnecter"
    assert page.evaluate("location.hash") == "#/lieux"
    assert world.member not in page.evaluate("location.href")
    assert page.evaluate("localStorage.length") == 0
    assert world.member in json.dumps(storage(page))  # in this tab only (sessionStorage)
    # The navigation of a member: no admin screens.
    assert page.evaluate("[...document.querySelectorAll('#navigation a')].map(a => a.textContent)") == \
        ["Mes lieux", "Mes bonnes pratiques", "Revendiquer un lieu"]

    page.sign_out()
    assert storage(page) == {}
    assert page.evaluate("document.getElementById('qui').textContent") == ""
    assert page.evaluate("location.hash") == "#/connexion"
    announced(page, "Vous êtes déconnecté")
    page.open()  # a reload finds nothing to restore
    assert page.evaluate("!!document.getElementById('cle') && !document.getElementById('connecte')")
    assert page.errors() == []


def test_a_wrong_key_is_refused_and_not_kept(page: MemberBrowser) -> None:
    page.fill("#cle", "rsx_abcdefgh_" + "x" * 43)
    page.click("form.connexion button[type=submit]")
    assert page.text("#connexion-erreur") == \
        "Clé refusée par l'API : vérifiez-la, ou demandez-en une nouvelle à l'équipe d'animation."
    assert storage(page) == {}
    assert page.evaluate("document.getElementById('cle').getAttribute('aria-invalid')") == "true"


def test_keyboard_only_sign_in(page: MemberBrowser, world: World) -> None:
    """The screen opens with focus on its title; Tab reaches the key field, then the button; Enter signs in."""
    assert page.evaluate("document.activeElement.textContent") == "Espace membre"

    def press(key: str, code: int, text: str = "") -> None:
        page.call("Input.dispatchKeyEvent", type="keyDown", key=key, code=key, windowsVirtualKeyCode=code, text=text)
        page.call("Input.dispatchKeyEvent", type="keyUp", key=key, code=key, windowsVirtualKeyCode=code)

    focused = []
    for _ in range(2):
        press("Tab", 9)
        focused.append(page.evaluate("document.activeElement.id || document.activeElement.textContent"))
    assert focused == ["cle", "Se connecter"]
    press("Tab", 9)  # wraps around the page
    press("Tab", 9)
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"  # the skip link comes first
    page.evaluate("document.getElementById('cle').focus()")
    page.call("Input.insertText", text=world.member)
    press("Enter", 13, "\r")
    page.wait_for("!!document.getElementById('connecte')")
    page.wait_for("document.activeElement.tagName === 'H1'")  # focus moves to the new screen's title


def test_change_the_daily_price_and_see_it_through_the_api(page: MemberBrowser, world: World) -> None:
    page.sign_in(world.member)
    page.show(f"#/lieux/{world.place}")
    with world.api(world.member) as api:
        before = api.get(f"/lieux/{world.place}").json()
    page.fill("#champ-teletravail-prix_journee", "18,50")
    page.click("form.fiche button[type=submit]")
    announced(page, f"Enregistré : version {before['version'] + 1}.")
    with world.api() as public:
        after = public.get(f"/lieux/{world.place}").json()
    assert after["teletravail"]["prix_journee"] == "18.50"
    assert after["version"] == before["version"] + 1
    moved = ("teletravail", "version", "maj_le", "verifie_le", "provenance", "bonnes_pratiques")
    assert {k: v for k, v in after.items() if k not in moved} == {k: v for k, v in before.items() if k not in moved}
    with world.api(world.member) as api:
        history = api.get(f"/lieux/{world.place}/historique").json()["items"][0]
    assert history["changements"] == [{"champ": "teletravail.prix_journee", "avant": "15.00", "apres": "18.50"}]
    # The history screen shows it: who, what, old -> new.
    page.show(f"#/lieux/{world.place}/historique")
    first = page.text(".historique li")
    assert "modification" in first and "teletravail.prix_journee" in first and "15.00" in first and "18.50" in first
    assert page.errors() == []


def test_an_error_of_the_api_is_shown_beside_its_field(page: MemberBrowser, world: World) -> None:
    page.sign_in(world.member)
    page.show(f"#/lieux/{world.place}")
    page.fill("#champ-telephone", "12")
    page.click("form.fiche button[type=submit]")
    assert page.text("#champ-telephone-erreur").startswith("Value error, must be a French phone number")
    assert page.evaluate("document.getElementById('champ-telephone').getAttribute('aria-invalid')") == "true"
    assert page.evaluate("document.activeElement.textContent") == "L'API a refusé l'enregistrement"
    # The summary links to the field.
    page.click(".erreurs a")
    assert page.evaluate("document.activeElement.id") == "champ-telephone"


def test_a_412_shows_what_changed_meanwhile_and_reapplies_the_change(page: MemberBrowser, world: World) -> None:
    page.sign_in(world.member)
    page.show(f"#/lieux/{world.place}")
    with world.api(world.member) as other_tab:
        current = other_tab.get(f"/lieux/{world.place}")
        changed = other_tab.patch(f"/lieux/{world.place}", json={"telephone": "04 68 00 00 00"}, headers={
            "If-Match": current.headers["etag"], "Content-Type": "application/merge-patch+json"})
        assert changed.status_code == 200
    page.fill("#champ-teletravail-postes", "20")
    page.click("form.fiche button[type=submit]")
    announced(page, "Conflit : la fiche a changé entre-temps.")
    conflict = page.text("#conflit")
    assert f"la fiche est passée à la version {changed.json()['version']}" in conflict
    meanwhile = page.evaluate("[...document.querySelectorAll('#conflit table')[0].querySelectorAll('tbody tr')]"
                              ".map(r => r.innerText.split('\\t'))")
    assert [cells[0] for cells in meanwhile] == ["telephone"]
    assert meanwhile[0][2] == "04 68 00 00 00"
    mine = page.evaluate("[...document.querySelectorAll('#conflit table')[1].querySelectorAll('tbody tr')]"
                         ".map(r => r.innerText.split('\\t'))")
    assert mine == [["teletravail.postes", "12", "20"]]
    page.click("#reappliquer")
    announced(page, f"Vos modifications ont été réappliquées (version {changed.json()['version'] + 1}).")
    with world.api() as public:
        place = public.get(f"/lieux/{world.place}").json()
    assert (place["telephone"], place["teletravail"]["postes"]) == ("04 68 00 00 00", 20)
    assert page.evaluate("document.getElementById('champ-telephone').value") == "04 68 00 00 00"


def test_opening_hours_are_checked_as_they_are_typed(page: MemberBrowser, world: World) -> None:
    page.sign_in(world.member)
    page.show(f"#/lieux/{world.place}")
    page.fill("#champ-horaires", "Mo-Fx 09:00")
    page.wait_for("document.getElementById('horaires-verification').dataset.valide === 'non'")
    assert page.text("#horaires-verification").startswith("Syntaxe invalide :")
    page.fill("#champ-horaires", "24/7")
    page.wait_for("document.getElementById('horaires-verification').dataset.valide === 'oui'")
    assert page.text("#horaires-verification") == "Syntaxe valide · ouvert en ce moment · ouvert en permanence."
    page.fill("#champ-horaires", "Mo-Su 00:00-00:01; PH off")  # closed nearly all day: the next opening is named
    page.wait_for("document.getElementById('horaires-verification').innerText.includes('prochaine ouverture')")
    with world.api() as api:
        expected = api.get("/horaires", params={"expression": "Mo-Su 00:00-00:01; PH off"}).json()
    moment = json.dumps(expected["prochaine_ouverture"])
    shown = page.evaluate(f"new Date({moment}).toLocaleString('fr-FR', {{weekday: 'long', day: 'numeric', "
                          "month: 'long', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Paris'})")
    assert page.text("#horaires-verification").endswith(f"prochaine ouverture : {shown}.")


def test_the_marker_position_is_checked_against_the_department(page: MemberBrowser, world: World) -> None:
    page.sign_in(world.member)
    page.show(f"#/lieux/{world.place}")
    page.wait_for("document.getElementById('petite-carte').dataset.pret === '1'")
    assert page.text("#position-verification") == "Le point est dans le département 11."
    page.fill("#champ-position-lon", "3.8767")  # Montpellier, Hérault
    page.fill("#champ-position-lat", "43.6108")
    assert page.text("#position-verification").startswith("Le point est hors du département 11")
    # Dragging the marker back into the Aude writes the fields.
    page.evaluate("petiteCarte.jumpTo({center: [2.9, 43.4], zoom: 7}), 0")
    x, y = page.evaluate("(() => { const p = petiteCarte.project([3.8767, 43.6108]); "
                         "const r = document.getElementById('petite-carte').getBoundingClientRect(); "
                         "return [r.left + p.x, r.top + p.y - 12] })()")
    tx, ty = page.evaluate("(() => { const p = petiteCarte.project([2.35, 43.2]); "
                           "const r = document.getElementById('petite-carte').getBoundingClientRect(); "
                           "return [r.left + p.x, r.top + p.y - 12] })()")
    page.call("Input.dispatchMouseEvent", type="mousePressed", x=x, y=y, button="left", clickCount=1)
    for step in range(1, 11):
        page.call("Input.dispatchMouseEvent", type="mouseMoved", x=x + (tx - x) * step / 10,
                  y=y + (ty - y) * step / 10, button="left", buttons=1)
    page.call("Input.dispatchMouseEvent", type="mouseReleased", x=tx, y=ty, button="left", clickCount=1)
    page.wait_for("document.getElementById('position-verification').dataset.valide === 'oui'")
    lon = float(page.evaluate("document.getElementById('champ-position-lon').value"))
    lat = float(page.evaluate("document.getElementById('champ-position-lat').value"))
    assert abs(lon - 2.35) < 0.05 and abs(lat - 43.2) < 0.05


def test_a_new_place_reaches_the_admin_queue_and_is_published(page: MemberBrowser, world: World) -> None:
    page.sign_in(world.member)
    page.show("#/lieux/nouveau")
    page.fill("#champ-nom", "Test Coworking de Villefranche")
    page.fill("#champ-commune", "Villefranche-de-Lauragais")
    page.evaluate("document.getElementById('champ-departement').value = '31'")
    page.fill("#champ-position-lon", "1.7167")
    page.fill("#champ-position-lat", "43.4")
    page.click("input[name=types][value=coworking]")
    page.fill("#champ-teletravail-prix_journee", "12")
    page.click("form.fiche button[type=submit]")
    announced(page, "Lieu créé : il attend la validation de l'équipe d'animation.")
    place_id = page.wait_for("(location.hash.match(/^#\\/lieux\\/([0-9a-f-]{36})$/) || [])[1]")
    with world.api() as public:
        assert public.get(f"/lieux/{place_id}").status_code == 404  # a draft: not public
    page.show("#/lieux")
    row = page.text(f"tr:has(a[href='#/lieux/{place_id}'])")
    assert "Test Coworking de Villefranche" in row and "À valider" in row

    page.sign_out()
    page.sign_in(world.admin)
    assert page.evaluate("location.hash") == "#/moderation"
    item = page.text(f"li.element-file[data-id='{place_id}']")
    assert "Lieu : Test Coworking de Villefranche" in item and "nouveau, à publier" in item
    assert "Villefranche-de-Lauragais" in item  # the proposed content, as a diff
    assert page.axe() == []
    page.fill(f"#motif-{place_id}", "Vérifié avec le membre")
    page.click(f"li.element-file[data-id='{place_id}'] button.principal")
    announced(page, "Publié : Test Coworking de Villefranche.")
    with world.api() as public:
        published = public.get(f"/lieux/{place_id}")
    assert (published.status_code, published.json()["moderation"]) == (200, "publie")
    page.wait_for(f"!document.querySelector(\"li.element-file[data-id='{place_id}']\")")  # the queue reloads


def test_claim_a_census_place_and_the_admin_accepts(page: MemberBrowser, world: World) -> None:
    page.sign_in(world.member)
    page.show("#/revendiquer")
    page.fill("#recherche-lieu", "Revel")
    page.click("form[role=search] button")
    page.wait_for("!!document.querySelector('#resultats button')")
    page.evaluate("[...document.querySelectorAll('#resultats button')]"
                  ".find(b => b.textContent.startsWith('Recensement Tiers-lieu de Revel')).click()")
    page.fill("#champ-message", "Nous animons ce lieu depuis 2021 avec la commune.")
    page.click("#fiche-revendication button[type=submit]")
    announced(page, "Demande envoyée")
    assert "Recensement Tiers-lieu de Revel" in page.text("section[aria-labelledby=mes-demandes] tbody")
    assert page.axe() == []

    page.sign_out()
    page.sign_in(world.admin)
    page.show("#/revendications")
    with world.api(world.admin) as api:
        claim = next(c for c in api.get("/revendications?etat=en_attente").json()["items"]
                     if c["lieu"]["id"] == world.census)
    page.click(f"tr[data-revendication='{claim['id']}'] button.principal")
    announced(page, f"Revendication acceptée : Recensement Tiers-lieu de Revel appartient à {world.organisation_name}.")
    with world.api() as public:
        assert public.get(f"/lieux/{world.census}").json()["organisation"] == world.organisation
    with world.api(world.member) as api:
        assert api.get(f"/revendications/{claim['id']}").json()["etat"] == "acceptee"


def test_admin_issues_a_key_shown_once_and_revokes_it(page: MemberBrowser, world: World) -> None:
    page.sign_in(world.admin)
    page.show(f"#/organisations/{world.organisation}")
    page.fill("#champ-libelle", "Clé de test")
    page.click("form.fiche button[type=submit]")
    key = page.wait_for("(document.getElementById('cle-valeur') || {}).value")
    with world.api(key) as api:
        me = api.get("/cles/moi").json()
    assert (me["role"], me["organisation"], me["libelle"]) == ("membre", world.organisation, "Clé de test")
    page.open(f"#/organisations/{world.organisation}")  # shown once: gone after a reload
    assert key not in page.evaluate("document.body.innerText")
    page.evaluate("window.confirm = () => true")
    page.evaluate(f"[...document.querySelectorAll('tr')].find(r => r.textContent.includes('{me['prefixe']}'))"
                  ".querySelector('button').click()")
    announced(page, f"Clé {me['prefixe']} révoquée.")
    with world.api(key) as api:
        assert api.get("/cles/moi").status_code == 401


SCREENS_MEMBER = ["#/lieux", "#/lieux/nouveau", "#/pratiques", "#/pratiques/nouvelle", "#/revendiquer"]
SCREENS_ADMIN = ["#/moderation", "#/revendications", "#/organisations"]


@pytest.mark.parametrize("width", [1100, 390])
def test_every_screen_passes_axe_and_fits_the_screen(page: MemberBrowser, world: World, width: int) -> None:
    page.call("Emulation.setDeviceMetricsOverride", width=width, height=800, deviceScaleFactor=1, mobile=width < 500)
    try:
        page.open()
        assert page.axe() == [], "sign-in"
        page.sign_in(world.member)
        for screen in [*SCREENS_MEMBER, f"#/lieux/{world.place}", f"#/lieux/{world.place}/historique"]:
            page.show(screen)
            assert page.axe() == [], screen
            assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), f"{screen} scrolls sideways"
        page.sign_out()
        page.sign_in(world.admin)
        for screen in [*SCREENS_ADMIN, f"#/organisations/{world.organisation}"]:
            page.show(screen)
            assert page.axe() == [], screen
            assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), f"{screen} scrolls sideways"
        assert page.errors() == []
    finally:
        page.call("Emulation.setDeviceMetricsOverride", width=1100, height=900, deviceScaleFactor=1, mobile=False)


def test_an_admin_rejects_then_publishes_a_draft_from_its_record(page: MemberBrowser, world: World) -> None:
    with world.api(world.member) as api:
        draft = api.post("/lieux", json={"nom": "Test Brouillon de Bram", "statut": "en_projet", "departement": "11",
                                         "commune": "Bram"}).json()
    page.sign_in(world.admin)
    page.show(f"#/lieux/{draft['id']}")
    assert page.text("#etat-fiche").startswith("Modération : À valider · version 1")
    page.click("#rejeter-fiche")
    assert page.text("#moderation-erreur") == "Value error, a rejection needs a `motif`"
    page.fill("#motif-fiche", "Adresse à préciser")
    page.click("#rejeter-fiche")
    announced(page, "Rejeté : Test Brouillon de Bram.")
    assert page.text("#etat-fiche").startswith("Modération : Rejeté · version 2")
    page.click("#publier-fiche")
    announced(page, "Publié : Test Brouillon de Bram.")
    with world.api() as public:
        assert public.get(f"/lieux/{draft['id']}").json()["moderation"] == "publie"
    with world.api(world.member) as api:
        reasons = [(r["version"], r["motif"]) for r in api.get(f"/lieux/{draft['id']}/historique").json()["items"]]
    assert reasons[:2] == [(3, None), (2, "Adresse à préciser")]


def test_a_long_list_shows_its_next_page_on_demand(page: MemberBrowser, world: World) -> None:
    """An organisation with more places than a page: "Afficher la suite" follows the API's `next` link
    until every place is listed, and the keyboard focus lands on the first new row."""
    with world.api(world.admin) as admin:
        org = admin.post("/organisations", json={"nom": "Test organisation pages", "forme_juridique": "association",
                                                 "nature": "prive"}).json()
        key = admin.post(f"/organisations/{org['id']}/cles", json={"libelle": "pages"}).json()["cle"]
        for n in range(53):
            created = admin.post(f"/lieux?organisation={org['id']}", json={
                "nom": f"Test page {n:02d}", "statut": "en_projet", "departement": "31", "commune": "Revel"})
            assert created.status_code == 201, created.text
    page.sign_in(key)
    rows = "document.querySelectorAll('table.liste tbody tr').length"
    assert page.wait_for(f"{rows} === 50 && {rows}")
    assert page.text("table.liste caption") == "53 lieux"
    page.click("p.suite button")
    assert page.wait_for(f"{rows} === 53 && {rows}")
    assert page.evaluate("!!document.querySelector('p.suite')") is False  # no further page
    names = page.evaluate("[...document.querySelectorAll('table.liste tbody th a')].map(a => a.textContent)")
    assert sorted(names) == [f"Test page {n:02d}" for n in range(53)]
    assert page.evaluate("document.activeElement.textContent") == names[50]
    announced(page, "3 lieux de plus affichés.")
    assert page.errors() == []
    page.sign_out()


def test_an_admin_creates_a_place_for_an_organisation(page: MemberBrowser, world: World) -> None:
    page.sign_in(world.admin)
    page.show("#/lieux/nouveau")
    options = page.evaluate("[...document.querySelectorAll('#champ-organisation option')].map(o => o.textContent)")
    assert options[0] == "Aucune : fiche du réseau, revendicable" and world.organisation_name in options
    page.fill("#champ-nom", "Test Atelier de Saint-Félix")
    page.fill("#champ-commune", "Saint-Félix-Lauragais")
    page.evaluate("document.getElementById('champ-departement').value = '31'")
    page.fill("#champ-position-lon", "1.8889")
    page.fill("#champ-position-lat", "43.4486")
    page.click("input[name=types][value=atelier_partage]")
    page.fill("#champ-organisation", world.organisation)
    assert page.axe() == []
    page.click("form.fiche button[type=submit]")
    place_id = page.wait_for("(location.hash.match(/^#\\/lieux\\/([0-9a-f-]{36})$/) || [])[1]")
    with world.api(world.member) as member:
        mine = member.get("/moi/lieux", params={"limit": 100}).json()["items"]
    assert [p["titre"] for p in mine if p["id"] == place_id] == ["Test Atelier de Saint-Félix"]
    assert page.errors() == []
    page.sign_out()


def test_a_member_announces_a_closure_and_removes_it(page: MemberBrowser, world: World) -> None:
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    closure = {"du": today.isoformat(), "au": (today + timedelta(days=7)).isoformat(), "motif": "Fermé pour travaux"}
    page.sign_in(world.member)
    page.show(f"#/lieux/{world.place}")
    page.click("fieldset[data-pour=fermetures] > button")
    row = "[data-pour='fermetures.0']"
    assert page.evaluate("document.activeElement.name") == "fermeture-du"  # focus in the new row
    for part in ("du", "au", "motif"):
        page.fill(f"{row} input[name=fermeture-{part}]", closure[part])
    page.click("form.fiche button[type=submit]")
    announced(page, "Enregistré")
    with world.api() as public:
        place = public.get(f"/lieux/{world.place}").json()
    assert (place["fermetures"], place["fermeture_en_cours"]) == ([closure], closure)

    # A closure ending before it starts: the API's 422 is shown in its own row.
    page.click("fieldset[data-pour=fermetures] > button")
    second = "[data-pour='fermetures.1']"
    page.fill(f"{second} input[name=fermeture-du]", "2027-03-10")
    page.fill(f"{second} input[name=fermeture-au]", "2027-03-01")
    page.fill(f"{second} input[name=fermeture-motif]", "Inventaire")
    page.click("form.fiche button[type=submit]")
    with world.api(world.member) as api:
        current = api.get(f"/lieux/{world.place}")
        refused = api.patch(f"/lieux/{world.place}", headers={"If-Match": current.headers["etag"]}, json={
            "fermetures": [closure, {"du": "2027-03-10", "au": "2027-03-01", "motif": "Inventaire"}]})
    assert refused.status_code == 422
    assert page.text(f"{second} .erreur-champ") == refused.json()["errors"][0]["detail"]

    # Removing both rows and saving lifts the closure.
    page.click(f"{second} button.danger")
    page.click(f"{row} button.danger")
    assert page.evaluate("document.querySelectorAll('fieldset.fermeture').length") == 0
    page.click("form.fiche button[type=submit]")
    announced(page, "Enregistré")
    with world.api() as public:
        place = public.get(f"/lieux/{world.place}").json()
    assert (place["fermetures"], place["fermeture_en_cours"]) == ([], None)
    assert page.errors() == []


def _luhn_siret() -> str:
    """A fresh SIRET with a valid Luhn key (the API refuses others)."""
    import random

    digits = [random.randint(0, 9) for _ in range(13)]
    for check in range(10):
        number = [*digits, check]
        total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(reversed(number)))
        if total % 10 == 0 and number[:9] != [3, 5, 6, 0, 0, 0, 0, 0, 0]:
            return "".join(map(str, number))
    raise AssertionError("unreachable")


def test_a_member_records_the_siret_and_sees_a_wrong_one_refused(page: MemberBrowser, world: World) -> None:
    page.sign_in(world.member)
    page.show(f"#/lieux/{world.place}")
    page.fill("#champ-identifiants-siret", "12345678901234")  # fails the Luhn check
    page.click("form.fiche button[type=submit]")
    with world.api(world.member) as api:
        current = api.get(f"/lieux/{world.place}")
        refused = api.patch(f"/lieux/{world.place}", headers={"If-Match": current.headers["etag"]},
                            json={"identifiants": {"siret": "12345678901234"}})
    assert refused.status_code == 422
    assert page.text("#champ-identifiants-siret-erreur") == refused.json()["errors"][0]["detail"]
    assert page.evaluate("document.getElementById('champ-identifiants-siret').getAttribute('aria-invalid')") == "true"
    siret = _luhn_siret()
    page.fill("#champ-identifiants-siret", siret)
    page.click("form.fiche button[type=submit]")
    announced(page, "Enregistré")
    with world.api() as public:
        assert public.get(f"/lieux/{world.place}").json()["identifiants"]["siret"] == siret
        found = public.get("/lieux", params={"siret": siret}).json()["items"]
    assert [p["id"] for p in found] == [world.place]  # a partner finds it by its own registry's id
    with world.api(world.member) as api:
        history = api.get(f"/lieux/{world.place}/historique").json()["items"][0]
    assert history["changements"] == [{"champ": "identifiants.siret", "avant": None, "apres": siret}]
    assert page.errors() == []
