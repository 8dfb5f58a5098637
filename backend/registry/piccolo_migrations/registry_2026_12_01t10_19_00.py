"""Four eyes on big adjustments: the village sets above how many points a committee member's
manual adjustment waits for a second member's approval (issue 15 #9)."""

from backend.migrations import sql_migration

ID = "2026-12-01T10:19:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "registry: village.adjustment_approval_above"

forwards = sql_migration(
    ID,
    "registry",
    DESCRIPTION,
    [
        "ALTER TABLE village ADD COLUMN adjustment_approval_above INTEGER NOT NULL DEFAULT 100"
        " CHECK (adjustment_approval_above >= 0)",
    ],
)
