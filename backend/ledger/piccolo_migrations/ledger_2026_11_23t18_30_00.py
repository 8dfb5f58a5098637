from backend.migrations import sql_migration

ID = "2026-11-23T18:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "ledger: accounts, transfers, chain heads"

forwards = sql_migration(
    ID,
    "ledger",
    DESCRIPTION,
    [
        """CREATE TABLE account (
            id {id},
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
            kind VARCHAR(16) NOT NULL CHECK (kind IN ('issuance', 'household', 'shop')),
            owner INTEGER,
            balance BIGINT NOT NULL DEFAULT 0,
            allow_negative BOOLEAN NOT NULL DEFAULT false,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            CONSTRAINT account_unique_owner UNIQUE (village, kind, owner),
            CONSTRAINT account_owner_by_kind CHECK ((kind = 'issuance') = (owner IS NULL)),
            CONSTRAINT account_floor CHECK (allow_negative OR balance >= 0)
        )""",
        "CREATE UNIQUE INDEX account_unique_issuance ON account (village) WHERE kind = 'issuance'",
        """CREATE TABLE ledger_head (
            village INTEGER PRIMARY KEY REFERENCES village (id) ON DELETE RESTRICT,
            seq BIGINT NOT NULL DEFAULT 0 CHECK (seq >= 0),
            hash VARCHAR(64) NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
        )""",
        """CREATE TABLE transfer (
            id {bigid},
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
            seq BIGINT NOT NULL,
            debit INTEGER NOT NULL REFERENCES account (id) ON DELETE RESTRICT,
            credit INTEGER NOT NULL REFERENCES account (id) ON DELETE RESTRICT,
            amount BIGINT NOT NULL CHECK (amount > 0),
            debit_balance BIGINT NOT NULL,
            credit_balance BIGINT NOT NULL,
            kind VARCHAR(16) NOT NULL CHECK (kind IN
                ('award', 'deduction', 'redemption', 'reversal', 'bonus', 'adjustment')),
            reason TEXT NOT NULL,
            reference JSON NOT NULL DEFAULT '{{}}',
            period_id INTEGER,
            actor INTEGER REFERENCES piccolo_user (id) ON DELETE RESTRICT,
            actor_name VARCHAR(100) NOT NULL DEFAULT '',
            idempotency_key VARCHAR(200) NOT NULL,
            request_hash VARCHAR(64) NOT NULL,
            reverses BIGINT REFERENCES transfer (id) ON DELETE RESTRICT,
            prev_hash VARCHAR(64) NOT NULL,
            hash VARCHAR(64) NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            CONSTRAINT transfer_unique_key UNIQUE (village, idempotency_key),
            CONSTRAINT transfer_unique_seq UNIQUE (village, seq),
            CONSTRAINT transfer_distinct_accounts CHECK (debit <> credit)
        )""",
        "CREATE INDEX transfer_debit ON transfer (debit, id)",
        "CREATE INDEX transfer_credit ON transfer (credit, id)",
        # Partial: most transfers reverse nothing, and every index costs the hot path an insert.
        "CREATE UNIQUE INDEX transfer_unique_reverses ON transfer (reverses) "
        "WHERE reverses IS NOT NULL",
    ],
)
