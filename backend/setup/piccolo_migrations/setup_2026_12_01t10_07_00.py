from backend.migrations import sql_migration

ID = "2026-12-01T10:07:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "the record that jifen setup built this database's township"

forwards = sql_migration(
    ID,
    "setup",
    DESCRIPTION,
    [
        """CREATE TABLE setup_record (
            id {id},
            town INTEGER NOT NULL REFERENCES town (id) ON DELETE RESTRICT,
            public_url VARCHAR(200) NOT NULL DEFAULT '',
            set_up_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
        )""",
    ],
)
