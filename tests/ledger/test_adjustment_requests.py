"""Adjustment requests as the console uses them (issue 17): a refusal must say why, the reason
is kept on the request and in the audit log, and people are named by their display names."""

from __future__ import annotations

import uuid

from httpx import AsyncClient

from backend.audit.services import CLI_ACTOR
from backend.auth import services as auth
from backend.auth.principal import Grant, Role
from backend.ledger import services as ledger
from tests.factories import PASSWORD, Place, make_place, make_town, unique


async def committee_member(place: Place, display_name: str) -> dict[str, str]:
    user_id = await auth.create_user(
        CLI_ACTOR,
        unique("c").lower(),
        PASSWORD,
        [Grant(Role.committee, village_id=place.village_id)],
        display_name=display_name,
    )
    return {"Authorization": f"Bearer {await auth.issue_token(user_id, '127.0.0.1')}"}


async def test_a_refusal_needs_a_reason_which_the_request_and_the_audit_keep(
    client: AsyncClient,
) -> None:
    place = await make_place((await make_town()).id)
    base = f"/api/v1/villages/{place.village_id}"
    household = place.households[0].id
    first = await committee_member(place, "周国平")
    second = await committee_member(place, "吴桂兰")
    made = await client.post(
        f"{base}/adjustment-requests",
        headers={**first, "Idempotency-Key": uuid.uuid4().hex},
        json={"household_id": household, "amount": 500, "reason": "修祠堂出工"},
    )
    assert made.status_code == 201, made.text
    request = made.json()
    assert request["proposed_by"] == "周国平" and request["proposed_by_id"]
    url = f"{base}/adjustment-requests/{request['id']}/refuse"

    for body in ({}, {"reason": ""}, {"reason": "   "}):
        bare = await client.post(url, headers=second, json=body)
        assert bare.status_code == 400, bare.text
        assert bare.json()["code"] == "reason_required"
        assert bare.json()["errors"] == [{"field": "reason", "message": "请写明理由。"}]
    english = await client.post(url, headers={**second, "Accept-Language": "en"}, json={})
    assert english.json()["detail"] == "Please give a reason."
    still = await client.get(f"{base}/adjustment-requests", headers=first)
    assert [r["id"] for r in still.json()] == [request["id"]]  # nothing changed

    refused = await client.post(url, headers=second, json={"reason": " 没有出工记录 "})
    assert refused.status_code == 200, refused.text
    assert refused.json()["status"] == "refused"
    assert refused.json()["decided_by"] == "吴桂兰"
    assert refused.json()["decision_reason"] == "没有出工记录"
    assert await ledger.balance(place.village_id, household) == 0

    history = await client.get(f"{base}/adjustment-requests?status=all", headers=first)
    assert [(r["status"], r["decision_reason"]) for r in history.json()] == [
        ("refused", "没有出工记录")
    ]
    audit = (
        await client.get(f"{base}/audit?kind=ledger", headers=place.headers(Role.committee))
    ).json()["items"]
    entry = next(e for e in audit if e["action"] == "ledger.adjustment_request.refuse")
    assert entry["actor_name"] == "吴桂兰" and entry["after"] == {"reason": "没有出工记录"}
