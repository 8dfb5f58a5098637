from backend.migrations import sql_migration

ID = "2026-12-01T10:03:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "cards: when the last wrong PIN was typed (wrong PINs are forgotten after 30 days)"

forwards = sql_migration(
    ID,
    "cards",
    DESCRIPTION,
    ["ALTER TABLE card ADD COLUMN pin_failed_at TIMESTAMPTZ"],
)
