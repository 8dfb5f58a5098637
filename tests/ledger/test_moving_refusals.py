"""An import that would clash with the target is refused by name before anything is written: a
village code, login name, e-mail address, household or board already there, or a shop shared
with another village. The target is this test run's own database, which holds the exported
village itself: a file "from elsewhere" is that export with every value the import keeps as
written renamed, except the one a test keeps to clash on."""

from __future__ import annotations

import copy
import secrets
from typing import Any

import pytest

from backend import db
from backend.audit.services import CLI_ACTOR
from backend.errors import DomainError
from backend.ledger.moving import ORDER, export_village, import_village
from backend.ledger.moving_errors import (
    EmailTaken,
    HouseholdTaken,
    RowTaken,
    ShopShared,
    UsernameTaken,
    VillageCodeTaken,
)
from backend.registry import services as registry
from backend.shop import catalogue
from tests.factories import add_board, add_sale, make_place, make_town, unique


def from_elsewhere(document: dict[str, Any], keep: type[DomainError] | None = None) -> dict:
    """``document`` as another township's database would have written it, but for what
    ``keep`` is about."""
    moved = copy.deepcopy(document)
    tables = moved["tables"]
    if keep is not VillageCodeTaken:
        moved["village"] = tables["village"][0]["code"] = unique("MV")
    for user in tables["piccolo_user"]:
        if keep is not UsernameTaken:
            user["username"] = unique("u").lower()
        if keep not in (UsernameTaken, EmailTaken):
            user["email"] = f"{user['username']}@elsewhere.invalid"
    if keep is not HouseholdTaken:
        for household in tables["household"]:
            household["public_id"] = unique("")[:10]
    if keep is not RowTaken:
        for board in tables["board"]:
            board["public_id"] = secrets.token_urlsafe(12)
        for sale in tables["redemption"]:
            sale["receipt_no"] = unique("R")
        for used in tables["used_phone_code"]:
            used["digest"] = secrets.token_hex(32)
    return moved


async def everything() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table a move writes."""
    return {name: await db.fetch(f"SELECT * FROM {name} ORDER BY 1") for name in ORDER}


async def exported() -> dict[str, Any]:
    """A village with a sale and a published board, exported."""
    place = await make_place((await make_town()).id)
    await add_sale(place)
    await add_board(place)
    row = await db.first("SELECT code FROM village WHERE id = :id", id=place.village_id)
    assert row is not None
    return (await export_village(row["code"]))[0]


async def test_a_file_from_elsewhere_moves_in_beside_its_original() -> None:
    """The renaming below is complete: nothing else the import keeps collides."""
    document = from_elsewhere(await exported())
    moved = await import_village(CLI_ACTOR, document)
    assert (moved.head_seq, moved.head_hash) == (document["head"]["seq"], document["head"]["hash"])


@pytest.mark.parametrize(
    "refusal", [VillageCodeTaken, UsernameTaken, EmailTaken, HouseholdTaken, RowTaken]
)
async def test_a_key_already_in_the_target_is_refused_by_name_and_nothing_is_written(
    refusal: type[DomainError],
) -> None:
    document = from_elsewhere(await exported(), keep=refusal)
    before = await everything()
    with pytest.raises(refusal) as refused:
        await import_village(CLI_ACTOR, document)
    assert await everything() == before
    named = {
        VillageCodeTaken: document["village"],
        UsernameTaken: document["tables"]["piccolo_user"][0]["username"],
        EmailTaken: document["tables"]["piccolo_user"][0]["email"],
        HouseholdTaken: document["tables"]["household"][0]["public_id"],
        RowTaken: document["tables"]["board"][0]["public_id"],
    }[refusal]
    assert named in refused.value.message("zh") and named in refused.value.message("en")


async def test_a_village_sharing_a_shop_is_refused_by_name_either_way() -> None:
    """Its own shop serving a neighbour (with the neighbour's shelf in it), and the neighbour,
    served by that shop: neither file can move alone, and nothing is written."""
    place = await make_place((await make_town()).id)
    neighbour = await registry.create_village(
        CLI_ACTOR, place.town_id, name="西村", code=unique("XC")
    )
    shop = await catalogue.create_shop(CLI_ACTOR, place.village_id, "共享超市", [neighbour.id])
    await catalogue.add_product(
        CLI_ACTOR, neighbour.id, shop.id, {"name": "肥皂", "price": 3, "unit": "块"}
    )
    owner = await db.first("SELECT code FROM village WHERE id = :id", id=place.village_id)
    assert owner is not None
    for code, other in ((owner["code"], neighbour.code), (neighbour.code, owner["code"])):
        document = from_elsewhere((await export_village(code))[0])
        before = await everything()
        with pytest.raises(ShopShared) as refused:
            await import_village(CLI_ACTOR, document)
        assert await everything() == before
        words = refused.value.message("zh")
        assert "共享超市" in words and document["village"] in words and other in words
