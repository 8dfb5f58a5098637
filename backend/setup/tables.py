"""That a database was set up for a real township by ``jifen setup``.

``jifen demo`` reads it and refuses: demo households, sales and users sprinkled into a real
township's registry and ledger could never be taken out again (the ledger is append-only)."""

from __future__ import annotations

from piccolo.columns import ForeignKey, OnDelete, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.registry.tables import Town


class SetupRecord(Table):
    """One row per ``jifen setup`` run that built a township (normally exactly one)."""

    id: Serial
    town = ForeignKey(Town, on_delete=OnDelete.restrict)
    public_url = Varchar(length=200, default="")
    set_up_at = Timestamptz(default=TimestamptzNow())
