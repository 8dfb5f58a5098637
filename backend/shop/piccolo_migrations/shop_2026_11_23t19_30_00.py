from backend.migrations import sql_migration

ID = "2026-11-23T19:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "redemptions (sales) and their lines"

forwards = sql_migration(
    ID,
    "shop",
    DESCRIPTION,
    [
        """CREATE TABLE redemption (
            id {id},
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
            shop INTEGER NOT NULL REFERENCES shop (id) ON DELETE RESTRICT,
            household INTEGER NOT NULL REFERENCES household (id) ON DELETE RESTRICT,
            receipt_no VARCHAR(32) NOT NULL UNIQUE,
            total INTEGER NOT NULL CHECK (total > 0),
            balance_after BIGINT NOT NULL DEFAULT 0,
            transfer BIGINT REFERENCES transfer (id) ON DELETE RESTRICT,
            code_kind VARCHAR(8) NOT NULL CHECK (code_kind IN ('card', 'phone')),
            idempotency_key VARCHAR(200) NOT NULL,
            request_hash VARCHAR(64) NOT NULL,
            status VARCHAR(10) NOT NULL DEFAULT 'completed'
                CHECK (status IN ('completed', 'voided')),
            void_reason VARCHAR(200) NOT NULL DEFAULT '',
            voided_at TIMESTAMPTZ,
            void_transfer BIGINT REFERENCES transfer (id) ON DELETE RESTRICT,
            actor INTEGER REFERENCES piccolo_user (id) ON DELETE RESTRICT,
            actor_name VARCHAR(100) NOT NULL DEFAULT '',
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            CONSTRAINT redemption_unique_key UNIQUE (village, idempotency_key)
        )""",
        "CREATE INDEX redemption_household_time ON redemption (household, created_at)",
        "CREATE INDEX redemption_shop_time ON redemption (shop, created_at)",
        """CREATE TABLE redemption_line (
            id {id},
            redemption INTEGER NOT NULL REFERENCES redemption (id) ON DELETE RESTRICT,
            product INTEGER NOT NULL REFERENCES product (id) ON DELETE RESTRICT,
            name VARCHAR(100) NOT NULL,
            unit VARCHAR(20) NOT NULL,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            price INTEGER NOT NULL CHECK (price > 0),
            subtotal INTEGER NOT NULL CHECK (subtotal > 0)
        )""",
        "CREATE INDEX redemption_line_redemption ON redemption_line (redemption)",
        "CREATE INDEX redemption_line_product ON redemption_line (product)",
    ],
)
