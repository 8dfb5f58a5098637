from backend.migrations import sql_migration

ID = "2026-12-01T10:33:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "score sheet uploads, so the same sheet is not entered twice"

forwards = sql_migration(
    ID,
    "scoring",
    DESCRIPTION,
    [
        """CREATE TABLE score_sheet_upload (
            id {id},
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
            period INTEGER NOT NULL REFERENCES period (id) ON DELETE RESTRICT,
            digest VARCHAR(64) NOT NULL,
            uploaded_by INTEGER,
            uploader_name VARCHAR(100) NOT NULL DEFAULT '',
            evaluations INTEGER NOT NULL DEFAULT 0,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            CONSTRAINT score_sheet_upload_once UNIQUE (village, period, digest)
        )""",
    ],
)
