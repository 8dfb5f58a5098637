"""Published red and black boards (红黑榜). A board is written once, when the committee
publishes it, and kept as published: later postings never change what was posted on the wall."""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import (
    JSON,
    BigInt,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from backend.clock import ClockNow
from backend.registry.tables import Village
from backend.scoring.tables import Period


class Board(Table):
    """- ``red``/``black``: the listed households with rank, earned points and the categories
      that earned (or cost) them, as published.
    - ``rule_text``: the ranking rule in one sentence, printed on the poster.
    - ``chain_seq``/``chain_head``: the village ledger's head at publication, for verification.
    """

    id: Serial
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)
    period = ForeignKey(references=Period, on_delete=OnDelete.restrict, null=False)
    size = Integer()
    red = JSON()
    black = JSON()
    rule_text = Text()
    chain_seq = BigInt()
    chain_head = Varchar(length=64)
    published_by = ForeignKey(references=BaseUser, on_delete=OnDelete.restrict, null=True)
    publisher_name = Varchar(length=100, default="")
    published_at = Timestamptz(default=ClockNow())
