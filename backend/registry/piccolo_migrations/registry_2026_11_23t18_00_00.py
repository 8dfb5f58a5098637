from backend.migrations import sql_migration

ID = "2026-11-23T18:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "tenant tree and households"

forwards = sql_migration(
    ID,
    "registry",
    DESCRIPTION,
    [
        """CREATE TABLE town (
            id {id},
            name VARCHAR(100) NOT NULL,
            code VARCHAR(32) NOT NULL UNIQUE,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
        )""",
        """CREATE TABLE village (
            id {id},
            town INTEGER NOT NULL REFERENCES town (id) ON DELETE RESTRICT,
            name VARCHAR(100) NOT NULL,
            code VARCHAR(32) NOT NULL UNIQUE,
            allow_negative_balance BOOLEAN NOT NULL DEFAULT false,
            notice_days INTEGER NOT NULL DEFAULT 3 CHECK (notice_days BETWEEN 1 AND 30),
            board_size INTEGER NOT NULL DEFAULT 5 CHECK (board_size BETWEEN 1 AND 50),
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
        )""",
        """CREATE TABLE grid (
            id {id},
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
            name VARCHAR(100) NOT NULL,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            CONSTRAINT grid_unique_name UNIQUE (village, name)
        )""",
        """CREATE TABLE moral_group (
            id {id},
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
            name VARCHAR(100) NOT NULL,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            CONSTRAINT moral_group_unique_name UNIQUE (village, name)
        )""",
        """CREATE TABLE household (
            id {id},
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
            grid INTEGER REFERENCES grid (id) ON DELETE RESTRICT,
            moral_group INTEGER REFERENCES moral_group (id) ON DELETE RESTRICT,
            number VARCHAR(32) NOT NULL,
            public_id VARCHAR(16) NOT NULL UNIQUE,
            head_name VARCHAR(50) NOT NULL,
            address VARCHAR(200) NOT NULL DEFAULT '',
            phone VARCHAR(32) NOT NULL DEFAULT '',
            hardship BOOLEAN NOT NULL DEFAULT false,
            status VARCHAR(16) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'moved')),
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            updated_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            CONSTRAINT household_unique_number UNIQUE (village, number)
        )""",
        "CREATE INDEX household_grid ON household (grid)",
        "CREATE INDEX household_moral_group ON household (moral_group)",
        """CREATE TABLE member (
            id {id},
            household INTEGER NOT NULL REFERENCES household (id) ON DELETE RESTRICT,
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
            name VARCHAR(50) NOT NULL,
            relation VARCHAR(20) NOT NULL,
            active BOOLEAN NOT NULL DEFAULT true,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
        )""",
        "CREATE INDEX member_household ON member (household)",
    ],
)
