"""`GET /v1/horaires`: the live check of the editing form, with the write rule's parser."""

import httpx


async def test_next_opening_in_paris_time_with_french_holidays(client: httpx.AsyncClient) -> None:
    # Friday 25 December 2026, 10:00 in Paris: Christmas (PH off), then the weekend.
    response = await client.get("/v1/horaires", params={
        "expression": "Mo-Fr 09:00-18:00; PH off", "a_partir_de": "2026-12-25T10:00:00+01:00"})
    assert response.status_code == 200
    assert response.json() == {
        "expression": "Mo-Fr 09:00-18:00; PH off", "ouvert": False,
        "prochain_changement": "2026-12-28T09:00:00+01:00", "prochaine_ouverture": "2026-12-28T09:00:00+01:00",
    }
    # Open now: the next opening is the following day's, the next change is tonight.
    response = await client.get("/v1/horaires", params={
        "expression": "Mo-Fr 09:00-18:00", "a_partir_de": "2026-12-01T09:30:00Z"})
    assert response.json() == {
        "expression": "Mo-Fr 09:00-18:00", "ouvert": True,
        "prochain_changement": "2026-12-01T18:00:00+01:00", "prochaine_ouverture": "2026-12-02T09:00:00+01:00",
    }
    never = await client.get("/v1/horaires", params={"expression": "off", "a_partir_de": "2026-12-01T09:30:00Z"})
    assert never.json() == {"expression": "off", "ouvert": False, "prochain_changement": None,
                            "prochaine_ouverture": None}


async def test_bad_expressions_are_400_naming_the_parameter(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/horaires", params={"expression": "Mo-Fx 09:00-18:00"})
    assert (response.status_code, response.headers["content-type"]) == (400, "application/problem+json")
    body = response.json()
    assert body["errors"][0]["name"] == "expression"
    assert body["errors"][0]["detail"].startswith("not a valid OpenStreetMap opening_hours expression")
    assert "expected wday" in body["errors"][0]["detail"]
    for params in ({}, {"expression": ""}, {"expression": "x" * 501},
                   {"expression": "24/7", "a_partir_de": "2026-12-01T09:30:00"}):  # no time zone
        bad = await client.get("/v1/horaires", params=params)
        assert bad.status_code == 400, params
        assert bad.json()["errors"][0]["name"] in ("expression", "a_partir_de")
