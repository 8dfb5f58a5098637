from backend.migrations import sql_migration

ID = "2026-12-01T10:20:14:000000"
VERSION = "1.38.0"
DESCRIPTION = "a void's idempotency key, its request's fingerprint and the balance it restored"

forwards = sql_migration(
    ID,
    "shop",
    DESCRIPTION,
    [
        "ALTER TABLE redemption ADD COLUMN void_key VARCHAR(200)",
        "ALTER TABLE redemption ADD COLUMN void_request_hash VARCHAR(64) NOT NULL DEFAULT ''",
        "ALTER TABLE redemption ADD COLUMN void_balance_after BIGINT",
        "CREATE UNIQUE INDEX redemption_unique_void_key ON redemption (village, void_key)",
    ],
)
