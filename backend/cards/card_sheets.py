"""Card sheets: the printable A4 pages of a village's (or one grid's) current cards."""

from __future__ import annotations

import asyncio

from backend.cards import codes, pictures
from backend.cards.issuing import active_household, secret
from backend.cards.tables import Card
from backend.registry import services as registry
from backend.registry.errors import UnknownGrid


async def card_sheet_pdf(
    village_id: int, grid_id: int | None = None, household_id: int | None = None
) -> bytes:
    """Printable A4 sheets of the current cards of a village's (or one grid's) active
    households, in household-number order; with ``household_id``, that one card reprinted —
    the same version, so the household's other copies keep working (a lost card is a reissue)."""
    village = await registry.village(village_id)
    if grid_id is not None and not await registry.grid_in(village_id, grid_id):
        raise UnknownGrid()
    if household_id is not None:
        households = [await active_household(village_id, household_id)]
    else:
        households = await registry.active_households(village_id, grid_id)
    versions = {
        row["household"]: row["version"]
        for row in await Card.select(Card.household, Card.version)
        .where(Card.village == village_id)
        .run()
    }
    printed = []
    for household in households:
        version = versions.get(household.id, 1)
        payload = codes.card_payload(secret(), village_id, household.public_id, version)
        printed.append(
            pictures.PrintedCard(payload, household.head_name, household.number, version)
        )
    return await asyncio.to_thread(pictures.card_sheet_pdf, village.name, printed)
