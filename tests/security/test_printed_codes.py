"""Finding 4: the printed card is not cash — a PIN threshold by default, card sheets for the
committee only, sign-in sheets without spendable codes (issue 15)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import zxingcpp
from httpx import AsyncClient
from PIL import Image

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.registry import services as registry
from backend.registry.tables import DEFAULT_PIN_THRESHOLD
from tests.activities.conftest import Event, event  # noqa: F401 (the fixture)
from tests.factories import World, make_town


def codes_in_pdf(pdf: bytes) -> set[str]:
    """Every QR code a phone could read off the printed pages."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "sheet.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "100", "-png", "sheet.pdf", "page"], cwd=folder, check=True
        )
        return {
            found.text
            for picture in sorted(Path(folder).glob("page*.png"))
            for found in zxingcpp.read_barcodes(Image.open(picture))
        }


async def test_a_new_village_asks_for_the_pin_above_a_threshold() -> None:
    town = await make_town()
    village = await registry.create_village(CLI_ACTOR, town.id, name="新村", code="NEWPIN")
    assert village.pin_threshold == DEFAULT_PIN_THRESHOLD > 0


async def test_grid_officers_cannot_print_the_card_sheet(client: AsyncClient, world: World) -> None:
    url = f"/api/v1/villages/{world.a.village_id}/cards.pdf"
    officer = await client.get(url, headers=world.a.headers(Role.grid_officer))
    committee = await client.get(url, headers=world.a.headers(Role.committee))
    assert officer.status_code == 403 and committee.status_code == 200
    assert len(codes_in_pdf(committee.content)) >= 1  # the sheet itself still works


async def test_the_sign_in_sheet_carries_no_spendable_code(
    client: AsyncClient,
    event: Event,  # noqa: F811 (the fixture imported above)
) -> None:
    sheet = await client.get(event.url("/sign-in-sheet"), headers=event.headers(Role.committee))
    assert sheet.status_code == 200
    assert codes_in_pdf(sheet.content) == set()
