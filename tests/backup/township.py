"""A township of its own for the backup tests, written to by child processes like a server.

The session's database is shared, and other tests leave villages in it whose ledgers are broken
on purpose (tests/ledger/test_tampering.py); a backup proves every village, so these tests back
up a database of their own. ``python -m tests.backup.township COMMAND …``, with
``JIFEN_DATABASE_URL`` naming that database, migrates it and writes through the services and
the factories:

- ``build``: one village with two households, a shop with stock, points; prints the place (JSON)
- ``awards VILLAGE HOUSEHOLD OUT STOP``: awards one point at a time until the file STOP exists,
  appending ``seq hash`` of each committed transfer to the file OUT
- ``sale PLACE_JSON``: one sale with the household's card; prints the redemption's id
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from backend.audit.services import CLI_ACTOR
from backend.cards import issuing
from backend.cli_run import run
from backend.ledger import services as ledger
from backend.migrations import migrate
from backend.registry import services as registry
from tests.factories import Place, add_sale, make_place, make_town, unique


async def build() -> dict[str, Any]:
    with contextlib.redirect_stdout(sys.stderr):  # Piccolo reports each migration on stdout
        await migrate()
    place = await make_place((await make_town()).id, with_users=False)
    for household in place.households:
        await ledger.award(
            CLI_ACTOR,
            place.village_id,
            household.id,
            20,
            key=unique("seed"),
            reason="环境卫生达标",
        )
        await issuing.issue_card(CLI_ACTOR, place.village_id, household.id)
    found = asdict(place)
    found["households"] = [{"id": h.id} for h in place.households]
    return found


def _asked_to_stop(stop: Path) -> bool:
    return stop.exists()


async def awards(village: int, household: int, out: Path, stop: Path) -> None:
    with out.open("a") as log:
        while not _asked_to_stop(stop):
            posted = await ledger.award(
                CLI_ACTOR, village, household, 1, key=unique("w"), reason="志愿服务"
            )
            log.write(f"{posted.seq} {posted.hash}\n")
            log.flush()
            await asyncio.sleep(0)


async def sale(place: dict[str, Any]) -> int:
    vid = place["village_id"]
    households = [await registry.household(vid, h["id"]) for h in place["households"]]
    return await add_sale(Place(**{**place, "households": households}))


def main(command: str, *args: str) -> None:
    if command == "build":
        print(json.dumps(run(build)))
    elif command == "awards":
        run(lambda: awards(int(args[0]), int(args[1]), Path(args[2]), Path(args[3])))
    elif command == "sale":
        print(run(lambda: sale(json.loads(args[0]))))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(*sys.argv[1:])
