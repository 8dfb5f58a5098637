"""A refused adjustment request keeps why it was refused (issue 17: the console's adjustments
screen shows the reason to the proposer and in the history)."""

from backend.migrations import sql_migration

ID = "2026-12-01T13:22:50:000000"
VERSION = "1.38.0"
DESCRIPTION = "ledger: adjustment_request.decision_reason"

forwards = sql_migration(
    ID,
    "ledger",
    DESCRIPTION,
    [
        "ALTER TABLE adjustment_request ADD COLUMN decision_reason TEXT NOT NULL DEFAULT ''",
    ],
)
