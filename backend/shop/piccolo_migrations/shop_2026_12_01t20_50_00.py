"""A sale checks fewer foreign keys (issue 20): on PostgreSQL ``stock_movement`` and
``redemption_line`` no longer name their product, nor ``stock_movement`` its shop, by a key.

Each of those keys was checked on every row a sale writes — a query and a row lock on the parent
apiece, four of them for a cart of two — and bought nothing on the way in: the two writers of
those rows, the sale (:mod:`backend.shop.redemption_sql`) and
:func:`backend.shop.catalogue.move_stock`, first update the product's stock in the same
transaction ``WHERE id = … AND village = … AND shop = …``, so the product exists, is of that
village and that shop (whose own key on ``product.shop`` stands), and stays locked until the
rows commit. What the keys still did on the way out — refuse to delete a product, or to change
its id or village, while history names it — the trigger ``product_keeps_history`` does; nothing
in Jifen deletes a product (it is retired with ``active``), so it only stands in an operator's
way. SQLite keeps its keys (it cannot drop them, and checks them in-process at no cost worth
saving). The hot tables' partitioning (:mod:`backend.partitions`) copies whatever keys are
left, so it needs nothing here.
"""

from backend.migrations import sql_migration

ID = "2026-12-01T20:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "shop: sale rows' product and shop checked by the statement, not by keys"

KEEPS_HISTORY = """
CREATE OR REPLACE FUNCTION product_keeps_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.village = OLD.village THEN
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM stock_movement m WHERE m.product = OLD.id
               AND m.village = OLD.village)
       OR EXISTS (SELECT 1 FROM redemption_line l WHERE l.product = OLD.id
                  AND l.village = OLD.village) THEN
        RAISE EXCEPTION 'product % of village % has stock movements or sale lines',
            OLD.id, OLD.village USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$"""

forwards = sql_migration(
    ID,
    "shop",
    DESCRIPTION,
    [
        "ALTER TABLE stock_movement DROP CONSTRAINT stock_movement_product_fkey, "
        "DROP CONSTRAINT stock_movement_shop_fkey",
        "ALTER TABLE redemption_line DROP CONSTRAINT redemption_line_product_fkey",
        KEEPS_HISTORY,
        "CREATE TRIGGER product_keeps_history BEFORE DELETE OR UPDATE OF id, village "
        "ON product FOR EACH ROW EXECUTE FUNCTION product_keeps_history()",
    ],
    postgres_only=True,
)
