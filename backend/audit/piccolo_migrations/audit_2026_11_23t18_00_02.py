from backend.migrations import sql_migration

ID = "2026-11-23T18:00:02:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit log"

forwards = sql_migration(
    ID,
    "audit",
    DESCRIPTION,
    [
        """CREATE TABLE audit_entry (
            id {bigid},
            actor INTEGER REFERENCES piccolo_user (id) ON DELETE RESTRICT,
            actor_name VARCHAR(100) NOT NULL DEFAULT '',
            action VARCHAR(64) NOT NULL,
            entity VARCHAR(64) NOT NULL,
            entity_id VARCHAR(64) NOT NULL DEFAULT '',
            town INTEGER REFERENCES town (id) ON DELETE RESTRICT,
            village INTEGER REFERENCES village (id) ON DELETE RESTRICT,
            before JSON NOT NULL DEFAULT '{{}}',
            after JSON NOT NULL DEFAULT '{{}}',
            address VARCHAR(64) NOT NULL DEFAULT '',
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
        )""",
        "CREATE INDEX audit_entry_village ON audit_entry (village, id)",
        "CREATE INDEX audit_entry_town ON audit_entry (town, id)",
    ],
)
