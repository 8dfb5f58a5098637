"""A 关怀户 mark needs the committee's reason, which only the committee reads; members move away
or die without being deleted (issue 17, household screens)."""

from __future__ import annotations

from httpx import AsyncClient

from backend.auth.principal import Role
from backend.registry import services as registry
from tests.factories import make_place, make_town


def url(village_id: int, rest: str = "") -> str:
    return f"/api/v1/villages/{village_id}/households{rest}"


async def test_hardship_needs_a_reason_kept_in_the_audit_and_shown_to_the_committee_only(
    client: AsyncClient,
) -> None:
    place = await make_place((await make_town()).id)
    vid, household = place.village_id, place.households[0].id
    headers = place.headers(Role.committee)
    target = url(vid, f"/{household}")

    bare = await client.patch(target, json={"hardship": True}, headers=headers)
    assert bare.status_code == 400 and bare.json()["code"] == "reason_required"
    assert bare.json()["errors"][0]["field"] == "hardship_reason"
    blank = await client.patch(
        target, json={"hardship": True, "hardship_reason": "  "}, headers=headers
    )
    assert blank.status_code == 400
    assert not (await registry.household(vid, household)).hardship  # nothing changed
    added = await client.post(
        url(vid), headers=headers, json={"number": "N-7", "head_name": "孙大山", "hardship": True}
    )
    assert added.status_code == 400 and added.json()["code"] == "reason_required"

    marked = await client.patch(
        target, headers=headers, json={"hardship": True, "hardship_reason": "独居老人，常年卧病"}
    )
    assert marked.status_code == 200, marked.text
    assert marked.json()["hardship_reason"] == "独居老人，常年卧病"
    entry = (
        await client.get(f"/api/v1/villages/{vid}/audit?kind=household", headers=headers)
    ).json()["items"][0]
    assert entry["after"] == {"hardship": True, "hardship_reason": "独居老人，常年卧病"}
    # Another change keeps the mark and its reason without saying it again.
    renamed = await client.patch(target, json={"address": "后街 3 号"}, headers=headers)
    assert renamed.json()["hardship_reason"] == "独居老人，常年卧病"

    committee = (await client.get(target, headers=headers)).json()
    assert committee["hardship_reason"] == "独居老人，常年卧病"
    for role in (Role.grid_officer, Role.villager):
        seen = await client.get(target, headers=place.headers(role))
        assert seen.status_code == 200 and "hardship_reason" not in seen.json(), role
        assert "独居老人" not in seen.text
    listed = await client.get(url(vid), headers=place.headers(Role.grid_officer))
    assert "独居老人" not in listed.text
    assert "独居老人" in (await client.get(url(vid), headers=headers)).text

    # Taking the mark off drops the reason: a later mark needs a new one.
    unmarked = await client.patch(target, json={"hardship": False}, headers=headers)
    assert unmarked.json()["hardship_reason"] == ""
    again = await client.patch(target, json={"hardship": True}, headers=headers)
    assert again.status_code == 400


async def test_members_are_added_moved_away_and_marked_deceased(client: AsyncClient) -> None:
    place = await make_place((await make_town()).id)
    vid, household = place.village_id, place.households[0].id
    headers = place.headers(Role.committee)
    added = await client.post(
        url(vid, f"/{household}/members"),
        headers=headers,
        json={"name": "王小军", "relation": "子"},
    )
    assert added.status_code == 201, added.text
    son = next(m for m in added.json()["members"] if m["name"] == "王小军")
    assert son["status"] == "active" and son["active"]

    moved = await client.patch(
        url(vid, f"/{household}/members/{son['id']}"), headers=headers, json={"status": "moved"}
    )
    assert moved.status_code == 200, moved.text
    son = next(m for m in moved.json()["members"] if m["id"] == son["id"])
    assert son["status"] == "moved" and not son["active"]
    died = await client.patch(
        url(vid, f"/{household}/members/{son['id']}"),
        headers=headers,
        json={"status": "deceased", "relation": "长子"},
    )
    son = next(m for m in died.json()["members"] if m["id"] == son["id"])
    assert (son["status"], son["relation"], son["active"]) == ("deceased", "长子", False)
    back = await client.patch(
        url(vid, f"/{household}/members/{son['id']}"), headers=headers, json={"active": True}
    )
    son = next(m for m in back.json()["members"] if m["id"] == son["id"])
    assert son["status"] == "active"
    wrong = await client.patch(
        url(vid, f"/{household}/members/{son['id']}"), headers=headers, json={"status": "gone"}
    )
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "status"
    entry = (await client.get(f"/api/v1/villages/{vid}/audit?kind=member", headers=headers)).json()[
        "items"
    ][1]
    assert entry["after"] == {"status": "deceased", "relation": "长子", "active": False} or (
        entry["after"]["status"] == "deceased"
    )
