"""Grid officers see their own grid: a grid officer's grant may name the grid (``grid``).

Close piccolo-admin to town admins: ``/admin`` is now a read-only view opened to an account
only by ``jifen admin-access`` (see backend/http/admin.py), so the ``admin`` flag that
``create_user`` used to give every town admin is taken back, with their admin sessions."""

from backend.migrations import sql_migration

ID = "2026-12-01T10:19:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "auth: role_grant.grid; nobody keeps piccolo-admin's admin flag"

forwards = sql_migration(
    ID,
    "auth",
    DESCRIPTION,
    [
        "UPDATE piccolo_user SET admin = FALSE, superuser = FALSE",
        "DELETE FROM sessions",
        "ALTER TABLE role_grant ADD COLUMN grid INTEGER REFERENCES grid (id) ON DELETE RESTRICT",
    ],
)
