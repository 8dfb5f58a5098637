"""Four eyes on big adjustments (issue 15 #9): an adjustment above the village's limit waits in
``adjustment_request`` until a second committee member approves it."""

from backend.migrations import sql_migration

ID = "2026-12-01T10:19:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "ledger: adjustment requests awaiting a second committee member"

forwards = sql_migration(
    ID,
    "ledger",
    DESCRIPTION,
    [
        """CREATE TABLE adjustment_request (
            id {id},
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
            household INTEGER NOT NULL REFERENCES household (id) ON DELETE RESTRICT,
            amount BIGINT NOT NULL CHECK (amount <> 0),
            reason TEXT NOT NULL,
            idempotency_key VARCHAR(200) NOT NULL,
            status VARCHAR(16) NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'approved', 'refused')),
            proposed_by INTEGER NOT NULL REFERENCES piccolo_user (id) ON DELETE RESTRICT,
            proposed_by_name VARCHAR(100) NOT NULL DEFAULT '',
            decided_by INTEGER REFERENCES piccolo_user (id) ON DELETE RESTRICT,
            decided_by_name VARCHAR(100) NOT NULL DEFAULT '',
            decided_at TIMESTAMPTZ,
            transfer BIGINT,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            CONSTRAINT adjustment_request_key UNIQUE (village, idempotency_key),
            CONSTRAINT adjustment_request_four_eyes CHECK (
                decided_by IS NULL OR decided_by <> proposed_by),
            CONSTRAINT adjustment_request_decided CHECK (
                (status = 'pending') = (decided_by IS NULL))
        )""",
        "CREATE INDEX adjustment_request_pending ON adjustment_request (village, status)",
    ],
)
