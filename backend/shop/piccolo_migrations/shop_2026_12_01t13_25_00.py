"""The shop's rows carry the village (issue 20, docs/scaling.md "The shared shop").

A shop shared by several villages keeps one shelf per village: a ``product`` row is one
village's allotment of a good (its own stock, restocked and sold in that village), so a sale
touches the rows of the household's village only — no transaction spans two villages. Existing
products become the allotment of their shop's own village. ``stock_movement`` and
``redemption_line`` carry the village of their product (on PostgreSQL tied to it by the key
``(village, product)``), and a receipt number is unique per village.

SQLite cannot drop or add a table's constraints. ``product`` is rebuilt there (copied aside,
dropped and written anew under foreign keys deferred to the commit, by which time every row
its stock movements and sale lines name is back), so that two villages of a shared shop may
both stock 肥皂 on both engines; the sale tables get the column and keep their first keys
(``UNIQUE (receipt_no)``), stricter than the new ones.
"""

from backend.migrations import sql_migration

ID = "2026-12-01T13:25:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "shop: products, stock movements and sale lines carry the village"

FILL = [
    "UPDATE product SET village = (SELECT s.village FROM shop s WHERE s.id = product.shop)",
    "UPDATE stock_movement SET village = "
    "(SELECT p.village FROM product p WHERE p.id = stock_movement.product)",
    "UPDATE redemption_line SET village = "
    "(SELECT r.village FROM redemption r WHERE r.id = redemption_line.redemption)",
]

forwards = sql_migration(
    ID,
    "shop",
    DESCRIPTION,
    [
        "ALTER TABLE product ADD COLUMN village INTEGER REFERENCES village (id) "
        "ON DELETE RESTRICT",
        "ALTER TABLE stock_movement ADD COLUMN village INTEGER",
        "ALTER TABLE redemption_line ADD COLUMN village INTEGER",
        *FILL,
        "ALTER TABLE product ALTER COLUMN village SET NOT NULL, "
        "DROP CONSTRAINT product_unique_name, "
        "ADD CONSTRAINT product_unique_name UNIQUE (village, shop, name), "
        "ADD CONSTRAINT product_unique_village_id UNIQUE (village, id)",
        "ALTER TABLE stock_movement ALTER COLUMN village SET NOT NULL, "
        "DROP CONSTRAINT stock_movement_product_fkey, "
        "ADD CONSTRAINT stock_movement_product_fkey FOREIGN KEY (village, product) "
        "REFERENCES product (village, id) ON DELETE RESTRICT",
        "ALTER TABLE redemption_line ALTER COLUMN village SET NOT NULL, "
        "DROP CONSTRAINT redemption_line_product_fkey, "
        "ADD CONSTRAINT redemption_line_product_fkey FOREIGN KEY (village, product) "
        "REFERENCES product (village, id) ON DELETE RESTRICT",
        "ALTER TABLE redemption DROP CONSTRAINT redemption_receipt_no_key, "
        "ADD CONSTRAINT redemption_unique_receipt UNIQUE (village, receipt_no)",
        "CREATE INDEX product_village_shop ON product (village, shop)",
    ],
    sqlite_statements=[
        "PRAGMA defer_foreign_keys = ON",
        "CREATE TEMP TABLE product_before AS SELECT * FROM product",
        "DROP TABLE product",
        """CREATE TABLE product (
            id {id},
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
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
            CONSTRAINT product_unique_name UNIQUE (village, shop, name),
            CONSTRAINT product_unique_village_id UNIQUE (village, id)
        )""",
        "INSERT INTO product (id, village, shop, name, category, unit, price, stock, "
        "limit_per_period, active, picture, created_at, updated_at) "
        "SELECT b.id, s.village, b.shop, b.name, b.category, b.unit, b.price, b.stock, "
        "b.limit_per_period, b.active, b.picture, b.created_at, b.updated_at "
        "FROM product_before b JOIN shop s ON s.id = b.shop",
        "DROP TABLE product_before",
        "ALTER TABLE stock_movement ADD COLUMN village INTEGER",
        "ALTER TABLE redemption_line ADD COLUMN village INTEGER",
        *FILL[1:],
        "CREATE INDEX product_village_shop ON product (village, shop)",
    ],
)
