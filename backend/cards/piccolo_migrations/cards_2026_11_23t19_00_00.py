from backend.migrations import sql_migration

ID = "2026-11-23T19:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "household cards and spent phone codes"

forwards = sql_migration(
    ID,
    "cards",
    DESCRIPTION,
    [
        """CREATE TABLE card (
            id {id},
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
            household INTEGER NOT NULL REFERENCES household (id) ON DELETE RESTRICT,
            version INTEGER NOT NULL DEFAULT 1,
            pin_hash TEXT,
            pin_failures INTEGER NOT NULL DEFAULT 0,
            pin_locked_at TIMESTAMPTZ,
            issued_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            issued_by INTEGER REFERENCES piccolo_user (id) ON DELETE RESTRICT,
            reissued_at TIMESTAMPTZ,
            reissued_by INTEGER REFERENCES piccolo_user (id) ON DELETE RESTRICT,
            CONSTRAINT card_unique_household UNIQUE (household),
            CONSTRAINT card_version_positive CHECK (version >= 1),
            CONSTRAINT card_pin_failures_range CHECK (pin_failures >= 0)
        )""",
        "CREATE INDEX card_village ON card (village)",
        """CREATE TABLE used_phone_code (
            id {bigid},
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
            household INTEGER NOT NULL REFERENCES household (id) ON DELETE RESTRICT,
            digest VARCHAR(64) NOT NULL,
            time_step INTEGER NOT NULL,
            used_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            CONSTRAINT used_phone_code_unique_digest UNIQUE (digest)
        )""",
        "CREATE INDEX used_phone_code_used_at ON used_phone_code (used_at)",
    ],
)
