from backend.migrations import sql_migration

ID = "2026-12-01T10:33:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "a PIN someone else chose (a PIN letter, a committee reset) must be changed"

forwards = sql_migration(
    ID,
    "cards",
    DESCRIPTION,
    ["ALTER TABLE card ADD COLUMN pin_must_change BOOLEAN NOT NULL DEFAULT false"],
)
