"""Create, edit, moderate, archive, history and restore: one contract for places and good practices."""

from tests.editorial.conftest import Api, Kind, World, tag
from tests.members.factories import auth


async def test_a_member_draft_is_hidden_until_an_admin_publishes_it(api: Api, world: World, kind: Kind) -> None:
    draft = await api.create(world.member)
    record = draft["id"]
    assert (draft[kind.state_field], draft["version"]) == (kind.pending, 1)
    assert (await api.get(record)).status_code == 404
    assert (await api.get(record, world.other)).status_code == 404
    assert (await api.get(record, world.member)).status_code == 200
    assert (await api.moderate(world.member, record, 1)).status_code == 403
    published = await api.moderate(world.admin, record, 1)
    assert (published.status_code, published.json()[kind.state_field]) == (200, kind.public)
    assert published.headers["etag"] == tag(record, 2)
    assert (await api.get(record)).status_code == 200
    again = await api.moderate(world.admin, record, 2)
    assert (again.status_code, again.json()["detail"]) == (
        409, f"This {'place' if kind.objet == 'lieu' else 'good practice'} is already published.")


async def test_a_rejection_needs_a_reason_and_hides_the_record(api: Api, world: World, kind: Kind) -> None:
    record = (await api.create(world.member))["id"]
    assert (await api.moderate(world.admin, record, 1, decision="rejeter")).status_code == 422
    rejected = await api.moderate(world.admin, record, 1, decision="rejeter", motif="Adresse incomplète")
    assert (rejected.status_code, rejected.json()[kind.state_field]) == (200, kind.rejected)
    assert (await api.get(record)).status_code == 404
    latest = (await api.history(world.member, record))["items"][0]
    assert (latest["action"], latest["motif"], latest[kind.state_field]) == ("moderation", "Adresse incomplète",
                                                                             kind.rejected)


async def test_a_members_edit_of_a_published_record_stays_published(api: Api, world: World, kind: Kind) -> None:
    record = (await api.create(world.admin, f"?publier=true&organisation={world.org.id}"))["id"]
    edited = await api.patch(world.member, record, {kind.title_field: "Nouveau titre de la fiche"}, 1)
    assert (edited.status_code, edited.json()[kind.state_field], edited.json()[kind.title_field]) == (
        200, kind.public, "Nouveau titre de la fiche")
    assert (await api.get(record)).json()[kind.title_field] == "Nouveau titre de la fiche"
    noop = await api.patch(world.member, record, {kind.title_field: "Nouveau titre de la fiche"}, 2)
    assert (noop.status_code, noop.json()["version"]) == (200, 2)  # a change that changes nothing stores nothing
    other = await api.patch(world.other, record, {kind.title_field: "Pas à toi"}, 2)
    assert other.status_code == 403


async def test_archive_hides_and_freezes_until_published_again(api: Api, world: World, kind: Kind) -> None:
    record = (await api.create(world.admin, f"?publier=true&organisation={world.org.id}"))["id"]
    archived = await api.archive(world.member, record, 1)
    assert (archived.status_code, archived.json()[kind.state_field]) == (200, kind.archived)
    assert (await api.get(record)).status_code == 404
    frozen = await api.patch(world.member, record, {kind.title_field: "Encore"}, 2)
    assert frozen.status_code == 409
    assert frozen.json()["detail"].endswith("is archived and read-only; an admin can publish it again.")
    back = await api.moderate(world.admin, record, 2)
    assert (back.status_code, back.json()[kind.state_field]) == (200, kind.public)


async def test_history_lists_every_change_newest_first_with_authors(api: Api, world: World, kind: Kind) -> None:
    record = (await api.create(world.member))["id"]
    await api.patch(world.member, record, {kind.title_field: "Deuxième titre"}, 1)
    await api.moderate(world.admin, record, 2, decision="publier", motif="Vérifié")
    await api.archive(world.member, record, 3)
    # Another organisation's member cannot see an archived record at all: 404, as if it did not exist.
    assert (await api.client.get(f"{kind.url}/{record}/historique", headers=auth(world.other))).status_code == 404
    page = await api.history(world.member, record)
    items = page["items"]
    assert [(i["version"], i["action"], i[kind.state_field]) for i in items] == [
        (4, "archivage", kind.archived), (3, "moderation", kind.public), (2, "modification", kind.pending),
        (1, "creation", kind.pending)]
    assert [i["auteur"]["role"] for i in items] == ["membre", "admin", "membre", "membre"]
    assert items[0]["changements"] == [{"champ": kind.state_field, "avant": kind.public, "apres": kind.archived}]
    assert items[2]["changements"] == [{"champ": kind.title_field, "avant": kind.payload[kind.title_field],
                                        "apres": "Deuxième titre"}]
    assert items[1]["motif"] == "Vérifié"
    created = {c["champ"]: c for c in items[3]["changements"]}
    assert created[kind.title_field] == {"champ": kind.title_field, "avant": None,
                                         "apres": kind.payload[kind.title_field]}
    assert created[kind.state_field]["apres"] == kind.pending
    assert page["next"] is None
    first = await api.history(world.member, record, "?limit=3")
    assert [i["version"] for i in first["items"]] == [4, 3, 2]
    rest = await api.history(world.member, record, first["next"].split("historique")[1])
    assert [i["version"] for i in rest["items"]] == [1]


async def test_an_admin_restores_an_earlier_version_as_a_new_one(api: Api, world: World, kind: Kind) -> None:
    record = (await api.create(world.member))["id"]
    await api.patch(world.member, record, {kind.title_field: "Vandalisé"}, 1)
    assert (await api.restore(world.member, record, 1, 2)).status_code == 403
    assert (await api.restore(world.admin, record, 1, 1)).status_code == 412
    missing = await api.restore(world.admin, record, 9, 2)
    assert missing.status_code == 404
    restored = await api.restore(world.admin, record, 1, 2)
    assert (restored.status_code, restored.json()["version"], restored.json()[kind.title_field]) == (
        200, 3, kind.payload[kind.title_field])
    assert restored.json()[kind.state_field] == kind.pending  # the state is unchanged
    latest = (await api.history(world.admin, record))["items"][0]
    assert (latest["action"], latest["motif"]) == ("restauration", "restauration de la version 1")
