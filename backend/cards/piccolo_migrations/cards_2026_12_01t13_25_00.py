"""A spent phone code is unique per village (issue 20): ``used_phone_code`` is one of the hot
tables partitioned by village, and a key on a partitioned table must include the village. The
digest covers the village's signature, so no two villages share one anyway. SQLite keeps the
first migration's global key beside the new one (it cannot drop a table's constraint); the new
index is what ``ON CONFLICT (village, digest)`` names on both engines."""

from backend.migrations import sql_migration

ID = "2026-12-01T13:25:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "cards: spent phone codes unique per village"

forwards = sql_migration(
    ID,
    "cards",
    DESCRIPTION,
    [
        "ALTER TABLE used_phone_code DROP CONSTRAINT used_phone_code_unique_digest, "
        "ADD CONSTRAINT used_phone_code_unique_digest UNIQUE (village, digest)",
    ],
    sqlite_statements=[
        "CREATE UNIQUE INDEX used_phone_code_village_digest ON used_phone_code (village, digest)",
    ],
)
