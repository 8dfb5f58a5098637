"""Household screens (issue 17): a 关怀户 mark keeps its reason (committee only), and a member
who moved away or died is marked so, not deleted (``status``; ``active`` stays its shorthand)."""

from backend.migrations import sql_migration

ID = "2026-12-01T13:22:50:000000"
VERSION = "1.38.0"
DESCRIPTION = "registry: household.hardship_reason, member.status"

forwards = sql_migration(
    ID,
    "registry",
    DESCRIPTION,
    [
        "ALTER TABLE household ADD COLUMN hardship_reason VARCHAR(200) NOT NULL DEFAULT ''",
        "ALTER TABLE member ADD COLUMN status VARCHAR(16) NOT NULL DEFAULT 'active'"
        " CHECK (status IN ('active', 'moved', 'deceased'))",
        "UPDATE member SET status = 'moved' WHERE NOT active",
    ],
)
