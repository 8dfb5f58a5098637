from backend.migrations import sql_migration

ID = "2026-12-01T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "users have a display name"

# Screens, receipts and the audit log show people as 王丽, not as the login ``xhx_shop``.
# Existing users keep their username as the display name until someone gives them one.
forwards = sql_migration(
    ID,
    "auth",
    DESCRIPTION,
    [
        "ALTER TABLE piccolo_user ADD COLUMN display_name VARCHAR(40) NOT NULL DEFAULT ''",
        "UPDATE piccolo_user SET display_name = username WHERE display_name = ''",
    ],
)
