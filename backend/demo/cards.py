"""Demo cards: every demo household gets its card, and the first few a PIN (``1234``), so the
kiosk's PIN prompt can be tried with the demo villager (the first household of each village)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import track

from backend.audit.services import CLI_ACTOR
from backend.cards import issuing, pin_changes
from backend.registry import services as registry

DEMO_PIN = "1234"
HOUSEHOLDS_WITH_PIN = 3


async def issue_demo_cards(console: Console, town_id: int) -> None:
    for village in await registry.villages(set(), {town_id}):
        households, _total = await registry.households(village.id, page_size=1000)
        for n, household in enumerate(
            track(households, description=f"{village.name} 积分卡", console=console)
        ):
            await issuing.issue_card(CLI_ACTOR, village.id, household.id)
            if n < HOUSEHOLDS_WITH_PIN:
                await pin_changes.set_pin(CLI_ACTOR, village.id, household.id, DEMO_PIN)
