from backend.migrations import sql_migration

ID = "2026-11-23T20:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "red and black boards; village board settings"

forwards = sql_migration(
    ID,
    "boards",
    DESCRIPTION,
    [
        "ALTER TABLE village ADD COLUMN red_bonus INTEGER NOT NULL DEFAULT 0"
        " CHECK (red_bonus >= 0)",
        "ALTER TABLE village ADD COLUMN board_include_idle BOOLEAN NOT NULL DEFAULT false",
        """CREATE TABLE board (
            id {id},
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
            period INTEGER NOT NULL REFERENCES period (id) ON DELETE RESTRICT,
            size INTEGER NOT NULL CHECK (size > 0),
            red JSON NOT NULL,
            black JSON NOT NULL,
            rule_text TEXT NOT NULL,
            chain_seq BIGINT NOT NULL,
            chain_head VARCHAR(64) NOT NULL,
            published_by INTEGER REFERENCES piccolo_user (id) ON DELETE RESTRICT,
            publisher_name VARCHAR(100) NOT NULL DEFAULT '',
            published_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            CONSTRAINT board_unique_period UNIQUE (village, period)
        )""",
    ],
)
