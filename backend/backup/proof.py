"""The ledger's verification (``jifen ledger verify``) run on a copy of the database.

Piccolo binds every table to the one engine made from ``JIFEN_DATABASE_URL`` when
``backend.piccolo_conf`` is imported, and a query cannot be pointed at another database. Swapping
the tables' engine inside this process would also send whatever else runs here — the server's
own writes, a test's writer — to the copy. So the copy is verified by a child interpreter whose
``JIFEN_DATABASE_URL`` names it: the same :mod:`backend.ledger.verify` code, over exactly the copy,
the way an operator would run ``JIFEN_DATABASE_URL=… jifen ledger verify`` by hand. The child
prints one JSON object (``python -m backend.backup.proof``); :func:`prove` reads it back.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import dataclass
from typing import Any

from backend.cli_run import run
from backend.ledger.verify import Failure


@dataclass(frozen=True, slots=True)
class Head:
    """A village's chain head: ``seq`` transfers so far, the last one's ``hash``."""

    village: int
    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class Proof:
    """What the ledger checks found in one database.

    ``villages``: how many villages have a ledger; ``heads``: each chain's head, for the operator
    to compare with ``jifen ledger head`` later; ``failures``: every broken invariant (empty when
    the ledger holds); ``error``: why the checks could not run at all (not a Jifen database)."""

    villages: int
    heads: list[Head]
    failures: list[Failure]
    error: str | None = None

    @property
    def holds(self) -> bool:
        return self.error is None and not self.failures

    def summary(self) -> str:
        if self.error is not None:
            return self.error
        first = self.failures[0]
        more = f" (+{len(self.failures) - 1})" if len(self.failures) > 1 else ""
        return f"village {first.village_id} ({first.check}) {first.message}{more}"


async def prove(database_url: str) -> Proof:
    """Run every ledger check over the database at ``database_url`` in a child interpreter."""
    env = {**os.environ, "JIFEN_DATABASE_URL": database_url, "JIFEN_REDIS_URL": "memory://"}
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "backend.backup.proof",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await child.communicate()
    if child.returncode != 0:
        lines = err.decode(errors="replace").strip().splitlines() or ["no output"]
        return Proof(0, [], [], error=f"the ledger checks could not run: {lines[-1]}")
    found = json.loads(out)
    return Proof(
        villages=found["villages"],
        heads=[Head(**head) for head in found["heads"]],
        failures=[Failure(**failure) for failure in found["failures"]],
    )


async def _check_this_database() -> dict[str, Any]:
    from backend.ledger import verify as checks

    villages = await checks.ledger_villages()
    failures = [failure for village in villages for failure in await checks.verify_village(village)]
    return {
        "villages": len(villages),
        "heads": [
            {"village": h.village, "seq": h.seq, "hash": h.hash} for h in await checks.heads()
        ],
        "failures": [
            {
                "village_id": f.village_id,
                "check": f.check,
                "message": f.message,
                "transfer_id": f.transfer_id,
            }
            for f in failures
        ],
    }


if __name__ == "__main__":
    print(json.dumps(run(_check_this_database), ensure_ascii=False))
