"""A household's public id is unique per village (issue 20), so that ``household`` can be
distributed on ``village`` (Citus) like the hot tables. Every lookup by public id already names
the village (the code a villager shows was signed for one village); the ids are drawn at random
all the same, so they stay unique across villages in practice. SQLite keeps the first
migration's stricter key: it cannot drop a table's constraint, and a global key holds per village.
"""

from backend.migrations import sql_migration

ID = "2026-12-01T13:25:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "registry: household public id unique per village"

forwards = sql_migration(
    ID,
    "registry",
    DESCRIPTION,
    [
        "ALTER TABLE household DROP CONSTRAINT household_public_id_key, "
        "ADD CONSTRAINT household_unique_public_id UNIQUE (village, public_id)",
    ],
    postgres_only=True,
)
