"""Issue 15 #12: names with text-direction or zero-width characters are refused.

"王建国" with U+202E in it shows reversed on the board and the receipt; with U+200B it looks like
another household's head. Each is refused with one code and readable words, and nothing is made.
"""

from __future__ import annotations

from httpx import AsyncClient

from backend.auth.principal import Role
from backend.registry.tables import Household
from tests.factories import make_place, make_town, unique

HIDDEN = ["\u202e", "\u200b", "\u2066", "\ufeff", "\x00", "\n", "\u200d"]


async def test_hidden_characters_are_refused_in_names(client: AsyncClient) -> None:
    place = await make_place((await make_town()).id)
    committee = place.headers(Role.committee)
    base = f"/api/v1/villages/{place.village_id}"
    for hidden in HIDDEN:
        number = unique("H")
        response = await client.post(
            f"{base}/households",
            headers=committee,
            json={"number": number, "head_name": f"王{hidden}建国"},
        )
        assert response.status_code == 400, (repr(hidden), response.text)
        assert response.json()["code"] == "hidden_characters"
        assert "head_name" in response.json()["detail"]
        assert not await Household.exists().where(Household.number == number).run()
    product = await client.post(
        f"{base}/shops/{place.shop_id}/products",
        headers=committee,
        json={"name": "洗衣\u200b粉", "price": 5, "unit": "袋"},
    )
    assert product.status_code == 400 and product.json()["code"] == "hidden_characters"
    user = await client.post(
        f"{base}/users",
        headers=committee,
        json={
            "username": "shop\u202ekeeper",
            "password": "a-long-enough-passphrase",
            "role": "shopkeeper",
        },
    )
    assert user.status_code == 400 and user.json()["code"] == "hidden_characters"
    english = await client.post(
        f"{base}/households",
        headers={**committee, "Accept-Language": "en"},
        json={"number": unique("H"), "head_name": "王\u202e建国"},
    )
    assert "invisible characters" in english.json()["detail"]

    fine = await client.post(
        f"{base}/households",
        headers=committee,
        json={"number": unique("H"), "head_name": "阿依·买买提"},
    )
    assert fine.status_code == 201, fine.text
