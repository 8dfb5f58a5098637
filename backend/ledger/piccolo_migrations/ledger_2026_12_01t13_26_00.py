"""A transfer is reversed at most once, per village (issue 20): the key on ``reverses``
includes the village so that ``transfer`` can be partitioned by village. A reversal lives in the
village of the transfer it reverses (one village's ledger), and transfer ids come from one
sequence, so the rule it keeps is the same."""

from backend.migrations import sql_migration

ID = "2026-12-01T13:26:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "ledger: one reversal per transfer, keyed by village"

forwards = sql_migration(
    ID,
    "ledger",
    DESCRIPTION,
    [
        "DROP INDEX transfer_unique_reverses",
        "CREATE UNIQUE INDEX transfer_unique_reverses ON transfer (village, reverses) "
        "WHERE reverses IS NOT NULL",
    ],
)
