from backend.migrations import sql_migration

ID = "2026-11-23T20:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "volunteer activities, sign-ups and attendance"

forwards = sql_migration(
    ID,
    "activities",
    DESCRIPTION,
    [
        """CREATE TABLE activity (
            id {id},
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
            title VARCHAR(100) NOT NULL,
            rule INTEGER NOT NULL REFERENCES rule (id) ON DELETE RESTRICT,
            place VARCHAR(100) NOT NULL DEFAULT '',
            starts_at TIMESTAMPTZ NOT NULL,
            ends_at TIMESTAMPTZ NOT NULL,
            opens_at TIMESTAMPTZ NOT NULL,
            closes_at TIMESTAMPTZ NOT NULL,
            capacity INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0),
            organiser INTEGER REFERENCES piccolo_user (id) ON DELETE RESTRICT,
            organiser_name VARCHAR(100) NOT NULL DEFAULT '',
            status VARCHAR(16) NOT NULL DEFAULT 'planned'
                CHECK (status IN ('planned', 'running', 'finished', 'confirmed')),
            signup BOOLEAN NOT NULL DEFAULT false,
            confirmed_by INTEGER REFERENCES piccolo_user (id) ON DELETE RESTRICT,
            confirmer_name VARCHAR(100) NOT NULL DEFAULT '',
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            finished_at TIMESTAMPTZ,
            confirmed_at TIMESTAMPTZ,
            CONSTRAINT activity_times CHECK (ends_at > starts_at),
            CONSTRAINT activity_window CHECK (closes_at > opens_at)
        )""",
        "CREATE INDEX activity_village_time ON activity (village, starts_at)",
        """CREATE TABLE attendance (
            id {id},
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
            activity INTEGER NOT NULL REFERENCES activity (id) ON DELETE RESTRICT,
            household INTEGER NOT NULL REFERENCES household (id) ON DELETE RESTRICT,
            member INTEGER REFERENCES member (id) ON DELETE RESTRICT,
            checked_in_at TIMESTAMPTZ NOT NULL,
            idempotency_key VARCHAR(200) NOT NULL,
            source VARCHAR(8) NOT NULL CHECK (source IN ('card', 'phone', 'manual')),
            struck BOOLEAN NOT NULL DEFAULT false,
            strike_reason VARCHAR(200) NOT NULL DEFAULT '',
            evaluation INTEGER REFERENCES evaluation (id) ON DELETE RESTRICT,
            problem VARCHAR(200) NOT NULL DEFAULT '',
            recorded_by INTEGER REFERENCES piccolo_user (id) ON DELETE RESTRICT,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            CONSTRAINT attendance_unique_key UNIQUE (activity, idempotency_key),
            CONSTRAINT attendance_unique_household UNIQUE (activity, household)
        )""",
        "CREATE INDEX attendance_household ON attendance (household, activity)",
        """CREATE TABLE activity_signup (
            id {id},
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
            activity INTEGER NOT NULL REFERENCES activity (id) ON DELETE RESTRICT,
            household INTEGER NOT NULL REFERENCES household (id) ON DELETE RESTRICT,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            CONSTRAINT activity_signup_unique UNIQUE (activity, household)
        )""",
    ],
)
