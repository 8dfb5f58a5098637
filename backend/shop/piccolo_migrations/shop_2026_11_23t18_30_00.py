from backend.migrations import sql_migration

ID = "2026-11-23T18:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "points supermarket: shops, catalogue, stock log; village shop settings"

forwards = sql_migration(
    ID,
    "shop",
    DESCRIPTION,
    [
        "ALTER TABLE village ADD COLUMN pin_threshold INTEGER NOT NULL DEFAULT 0"
        " CHECK (pin_threshold >= 0)",
        "ALTER TABLE village ADD COLUMN daily_cap INTEGER NOT NULL DEFAULT 0"
        " CHECK (daily_cap >= 0)",
        "ALTER TABLE village ADD COLUMN void_window_hours INTEGER NOT NULL DEFAULT 24"
        " CHECK (void_window_hours BETWEEN 0 AND 720)",
        """CREATE TABLE shop (
            id {id},
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
            name VARCHAR(100) NOT NULL,
            active BOOLEAN NOT NULL DEFAULT true,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
        )""",
        """CREATE TABLE shop_village (
            id {id},
            shop INTEGER NOT NULL REFERENCES shop (id) ON DELETE RESTRICT,
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
            CONSTRAINT shop_village_unique UNIQUE (shop, village)
        )""",
        "CREATE INDEX shop_village_village ON shop_village (village)",
        """CREATE TABLE product (
            id {id},
            shop INTEGER NOT NULL REFERENCES shop (id) ON DELETE RESTRICT,
            name VARCHAR(100) NOT NULL,
            category VARCHAR(50) NOT NULL DEFAULT '',
            unit VARCHAR(20) NOT NULL DEFAULT '件',
            price INTEGER NOT NULL CHECK (price > 0),
            stock INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),
            limit_per_period INTEGER CHECK (limit_per_period IS NULL OR limit_per_period > 0),
            active BOOLEAN NOT NULL DEFAULT true,
            picture VARCHAR(100) NOT NULL DEFAULT '',
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            updated_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            CONSTRAINT product_unique_name UNIQUE (shop, name)
        )""",
        """CREATE TABLE stock_movement (
            id {bigid},
            shop INTEGER NOT NULL REFERENCES shop (id) ON DELETE RESTRICT,
            product INTEGER NOT NULL REFERENCES product (id) ON DELETE RESTRICT,
            kind VARCHAR(16) NOT NULL CHECK (kind IN ('restock', 'sale', 'void', 'write_off')),
            quantity INTEGER NOT NULL CHECK (quantity <> 0),
            stock_after INTEGER NOT NULL CHECK (stock_after >= 0),
            donor VARCHAR(100) NOT NULL DEFAULT '',
            value_fen BIGINT CHECK (value_fen IS NULL OR value_fen >= 0),
            reason VARCHAR(200) NOT NULL DEFAULT '',
            redemption INTEGER,
            actor INTEGER REFERENCES piccolo_user (id) ON DELETE RESTRICT,
            actor_name VARCHAR(100) NOT NULL DEFAULT '',
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
        )""",
        "CREATE INDEX stock_movement_product ON stock_movement (product, id)",
        "CREATE INDEX stock_movement_shop_time ON stock_movement (shop, created_at)",
    ],
)
