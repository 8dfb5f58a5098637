from backend.migrations import sql_migration

ID = "2026-11-23T18:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "role grants and login tokens"

forwards = sql_migration(
    ID,
    "auth",
    DESCRIPTION,
    [
        """CREATE TABLE role_grant (
            id {id},
            "user" INTEGER NOT NULL REFERENCES piccolo_user (id) ON DELETE RESTRICT,
            role VARCHAR(20) NOT NULL CHECK (role IN
                ('town_admin', 'committee', 'grid_officer', 'shopkeeper', 'villager')),
            town INTEGER REFERENCES town (id) ON DELETE RESTRICT,
            village INTEGER REFERENCES village (id) ON DELETE RESTRICT,
            household INTEGER REFERENCES household (id) ON DELETE RESTRICT,
            shop_id INTEGER,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            CONSTRAINT role_grant_scoped CHECK (
                (role = 'town_admin' AND town IS NOT NULL)
                OR (role <> 'town_admin' AND village IS NOT NULL)),
            CONSTRAINT role_grant_villager_household CHECK (
                role <> 'villager' OR household IS NOT NULL)
        )""",
        'CREATE INDEX role_grant_user ON role_grant ("user")',
        """CREATE TABLE auth_token (
            id {id},
            "user" INTEGER NOT NULL REFERENCES piccolo_user (id) ON DELETE RESTRICT,
            token_hash VARCHAR(64) NOT NULL UNIQUE,
            address VARCHAR(64) NOT NULL DEFAULT '',
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            expires_at TIMESTAMPTZ NOT NULL,
            revoked_at TIMESTAMPTZ
        )""",
    ],
)
