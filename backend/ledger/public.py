"""No login: one link of a village's hash chain, for the QR printed on a passbook (and anyone
holding a printed chain head). A hash and a time reveal nothing about anyone; a ledger rewritten
after the paper was printed no longer has the printed hash at that link."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.params import Parameter

from backend.errors import NotFound
from backend.http.access import PUBLIC
from backend.ledger.tables import LedgerHead, Transfer
from backend.registry.tables import Village


class ChainLink(msgspec.Struct, frozen=True, kw_only=True):
    """The link ``seq`` of the village's chain as the ledger holds it now: its ``hash`` and
    ``created_at`` (empty and None for link 0, the empty chain), and how long the chain is
    now (``head_seq``)."""

    village_name: str
    seq: int
    hash: str
    created_at: datetime | None
    head_seq: int


async def chain_link(code: str, seq: int) -> ChainLink:
    """One link of a village's chain, by the village's code; a link it does not have is not
    found."""
    village = (
        await Village.select(Village.id, Village.name).where(Village.code == code).first().run()
    )
    if village is None:
        raise NotFound()
    head = (
        await LedgerHead.select(LedgerHead.seq)
        .where(LedgerHead.village == village["id"])
        .first()
        .run()
    )
    head_seq = head["seq"] if head else 0
    if seq == 0:
        return ChainLink(
            village_name=village["name"], seq=0, hash="", created_at=None, head_seq=head_seq
        )
    row = (
        await Transfer.select(Transfer.hash, Transfer.created_at)
        .where((Transfer.village == village["id"]) & (Transfer.seq == seq))
        .first()
        .run()
    )
    if row is None:
        raise NotFound()
    return ChainLink(
        village_name=village["name"],
        seq=seq,
        hash=row["hash"],
        created_at=row["created_at"],
        head_seq=head_seq,
    )


class PublicChainController(Controller):
    path = "/public"
    tags = ["public"]

    @get("/villages/{code:str}/chain/{seq:int}", **PUBLIC)
    async def link(
        self,
        code: Annotated[str, Parameter(max_length=32)],
        seq: Annotated[int, Parameter(ge=0, le=2**62)],
    ) -> ChainLink:
        return await chain_link(code, seq)
