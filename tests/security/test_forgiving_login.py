"""A villager's login forgives what people type (issue 18): the village by name or code in any
case, the 户号 in any case and with or without the village prefix, spaces trimmed; and every
variant counts against the one household, so case or prefix games get no fresh guesses."""

from __future__ import annotations

from backend.audit.services import CLI_ACTOR
from backend.cards import pin_changes
from backend.registry import services as registry
from backend.settings import get_settings
from tests.factories import make_town, unique
from tests.security.conftest import ClientAt, new_address

URL = "/api/v1/auth/household-login"


async def village_with_household(name: str) -> tuple[str, int]:
    """A village named ``name`` whose household ``<CODE>-001`` has PIN 4321."""
    code = unique("X")
    village = await registry.create_village(CLI_ACTOR, (await make_town()).id, name=name, code=code)
    household = await registry.create_household(
        CLI_ACTOR,
        village.id,
        {"number": f"{code}-001", "head_name": "王建国"},
        [{"name": "王建国", "relation": "户主"}],
    )
    await pin_changes.set_pin(CLI_ACTOR, village.id, household.id, "4321")
    return code, household.id


async def test_the_village_by_name_or_code_and_the_number_as_people_type_it(
    client_at: ClientAt,
) -> None:
    name = "西" + unique("黄")[-6:] + "村"
    code, household_id = await village_with_household(name)
    villages = [code, code.lower(), f"  {code} ", name, f" {name} ", name.removesuffix("村")]
    numbers = [f"{code}-001", f"{code.lower()}-001", "001", f" {code}-001 ", "  001"]
    for village in villages:
        for number in numbers:
            async with client_at(new_address()) as client:
                answer = await client.post(
                    URL, json={"village": village, "number": number, "pin": "4321"}
                )
            assert answer.status_code == 201, (village, number, answer.text)
            assert answer.json()["user"]["grants"][0]["household_id"] == household_id


async def test_wrong_villages_numbers_and_pins_get_the_one_refusal(client_at: ClientAt) -> None:
    name = "东" + unique("黄")[-6:] + "村"
    code, _ = await village_with_household(name)
    tries = [
        ("NOWHERE", "001", "4321"),
        (code, "002", "4321"),
        (code, "01", "4321"),
        (code, f"{code}-001", "1234"),
        (name + "村", "001", "4321"),
        ("", "001", "4321"),
    ]
    for village, number, pin in tries:
        async with client_at(new_address()) as client:
            answer = await client.post(
                URL, json={"village": village or " ", "number": number, "pin": pin}
            )
        assert (answer.status_code, answer.json()["code"], answer.json()["detail"]) == (
            401,
            "login_failed",
            "户号或 PIN 不正确。",
        ), (village, number, pin)


async def test_a_village_name_two_villages_share_names_neither(client_at: ClientAt) -> None:
    name = "同" + unique("名")[-6:] + "村"
    first, _ = await village_with_household(name)
    await village_with_household(name)
    async with client_at(new_address()) as client:
        by_name = await client.post(URL, json={"village": name, "number": "001", "pin": "4321"})
        by_code = await client.post(URL, json={"village": first, "number": "001", "pin": "4321"})
    assert by_name.json()["code"] == "login_failed"
    assert by_code.status_code == 201, by_code.text


async def test_case_and_prefix_variants_share_the_households_limit(client_at: ClientAt) -> None:
    name = "南" + unique("黄")[-6:] + "村"
    code, _ = await village_with_household(name)
    limit = get_settings().login_failures_per_user
    variants = [f"{code}-001", f"{code.lower()}-001", "001", f" {code}-001 ", "001 "]
    for n in range(limit):
        async with client_at(new_address()) as stranger:
            wrong = await stranger.post(
                URL,
                json={
                    "village": [code, name, code.lower()][n % 3],
                    "number": variants[n % len(variants)],
                    "pin": "0000",
                },
            )
        assert wrong.json()["code"] == "login_failed"
    async with client_at(new_address()) as stranger:
        held = await stranger.post(URL, json={"village": name, "number": "001", "pin": "4321"})
    assert (held.status_code, held.json()["code"]) == (429, "too_many_login_failures")
