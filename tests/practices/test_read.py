"""Public reads: list with filters and pages, detail by id or slug with ETag/304, visibility."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_place
from tests.members.factories import MONTPELLIER
from tests.practices.factories import make_practice


async def test_detail_by_id_and_slug_with_markdown_html_and_etag(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    place = await make_place(session)
    practice = await make_practice(session, contenu="Un **café** et [un lien](https://exemple.fr)",
                                   lieux=[str(place.id)])
    by_id = await client.get(f"/v1/bonnes-pratiques/{practice.id}")
    assert by_id.status_code == 200
    body = by_id.json()
    assert body["contenu"] == "Un **café** et [un lien](https://exemple.fr)"
    assert body["contenu_html"] == (
        '<p>Un <strong>café</strong> et <a href="https://exemple.fr" rel="noopener noreferrer nofollow">'
        "un lien</a></p>\n")
    assert body["statut"] == "publiee" and body["version"] == 1
    assert body["lieux"] == [{"id": str(place.id), "slug": place.slug, "nom": place.name, "departement": "31"}]
    assert by_id.headers["etag"] == f'"{practice.id}-v1"'
    assert by_id.headers["cache-control"].startswith("public")
    by_slug = await client.get(f"/v1/bonnes-pratiques/{practice.slug}")
    assert by_slug.json() == body
    again = await client.get(f"/v1/bonnes-pratiques/{practice.slug}", headers={"If-None-Match": by_id.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


async def test_drafts_are_invisible_to_the_public(client: httpx.AsyncClient, session: AsyncSession) -> None:
    draft = await make_practice(session, publish=False, titre="Brouillon secret")
    assert (await client.get(f"/v1/bonnes-pratiques/{draft.id}")).status_code == 404
    listed = (await client.get("/v1/bonnes-pratiques")).json()
    assert listed["total"] == 0 and listed["items"] == []
    feed = (await client.get("/v1/bonnes-pratiques.atom")).text
    assert "Brouillon secret" not in feed


async def test_filters_by_theme_department_place_and_organisation(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    from tests.members.factories import make_organisation

    toulouse = await make_place(session)
    montpellier = await make_place(session, nom="La Halle", departement="34", commune="Montpellier",
                                   code_insee="34172", code_postal="34000", position=MONTPELLIER)
    org = await make_organisation(session)
    a = await make_practice(session, titre="Pratique A", thematiques=["gouvernance"], lieux=[str(toulouse.id)],
                            organisation_id=org.id)
    b = await make_practice(session, titre="Pratique B", thematiques=["teletravail", "numerique"],
                            lieux=[str(montpellier.id)])

    async def ids(query: str) -> list[str]:
        response = await client.get(f"/v1/bonnes-pratiques?{query}")
        assert response.status_code == 200, response.text
        return sorted(item["id"] for item in response.json()["items"])

    assert await ids("thematique=gouvernance") == [str(a.id)]
    assert await ids("thematique=gouvernance&thematique=numerique") == sorted([str(a.id), str(b.id)])
    assert await ids("departement=34") == [str(b.id)]
    assert await ids(f"lieu={toulouse.slug}") == [str(a.id)]
    assert await ids(f"lieu={montpellier.id}") == [str(b.id)]
    assert await ids(f"organisation={org.id}") == [str(a.id)]
    assert await ids("departement=31&thematique=teletravail") == []


async def test_pages_walk_every_match_once(client: httpx.AsyncClient, session: AsyncSession) -> None:
    made = {str((await make_practice(session, titre=f"Pratique numéro {i}")).id) for i in range(5)}
    seen: list[str] = []
    url = "/v1/bonnes-pratiques?limit=2"
    pages = 0
    while url:
        response = await client.get(url)
        body = response.json()
        assert body["total"] == 5 and body["total_estime"] is False
        seen += [item["id"] for item in body["items"]]
        url = body["next"]
        if url:
            assert response.headers["link"] == f'<{url}>; rel="next"'
        pages += 1
    assert pages == 3 and len(seen) == 5 and set(seen) == made


async def test_bad_parameters_are_400_naming_them(client: httpx.AsyncClient) -> None:
    for query, name in [("thematique=cuisine", "thematique"), ("departement=75", "departement"),
                        ("limit=0", "limit"), ("curseur=abc", "curseur"), ("organisation=x", "organisation"),
                        ("thematique=teletravail&" * 21, "thematique")]:  # at most 20 values
        response = await client.get(f"/v1/bonnes-pratiques?{query}")
        assert response.status_code == 400, query
        assert response.headers["content-type"] == "application/problem+json"
        assert [e["name"] for e in response.json()["errors"]] == [name]


async def test_vocabularies_list_the_themes(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/vocabulaires")).json()
    labels = {t["code"]: t["libelle"] for t in body["thematiques"]}
    for label in ["Animation de communauté", "Modèle économique et financement", "Télétravail", "Gouvernance",
                  "Communication et promotion", "Aménagement et équipement", "Numérique",
                  "Partenariats avec les collectivités"]:
        assert label in labels.values()
