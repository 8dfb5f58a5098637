from backend.migrations import sql_migration

ID = "2026-11-23T19:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "rule books, periods, evaluations, objections, cross-evaluation"

forwards = sql_migration(
    ID,
    "scoring",
    DESCRIPTION,
    [
        """CREATE TABLE rule_book (
            id {id},
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
            version INTEGER NOT NULL CHECK (version >= 1),
            is_current BOOLEAN NOT NULL DEFAULT true,
            note VARCHAR(200) NOT NULL DEFAULT '',
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            CONSTRAINT rule_book_unique_version UNIQUE (village, version)
        )""",
        "CREATE UNIQUE INDEX rule_book_one_current ON rule_book (village) WHERE is_current",
        """CREATE TABLE rule (
            id {id},
            rule_book INTEGER NOT NULL REFERENCES rule_book (id) ON DELETE RESTRICT,
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
            position INTEGER NOT NULL,
            code VARCHAR(32) NOT NULL,
            category VARCHAR(32) NOT NULL,
            title VARCHAR(200) NOT NULL,
            points INTEGER NOT NULL CHECK (points <> 0),
            cap INTEGER NOT NULL DEFAULT 1 CHECK (cap >= 1),
            evidence_required BOOLEAN NOT NULL DEFAULT false,
            proposers VARCHAR(64) NOT NULL DEFAULT 'committee',
            CONSTRAINT rule_unique_code UNIQUE (rule_book, code)
        )""",
        """CREATE TABLE period (
            id {id},
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
            name VARCHAR(50) NOT NULL,
            kind VARCHAR(16) NOT NULL CHECK (kind IN ('month', 'quarter')),
            starts_on DATE NOT NULL,
            ends_on DATE NOT NULL,
            state VARCHAR(16) NOT NULL DEFAULT 'open'
                CHECK (state IN ('open', 'notice', 'closed')),
            notice_ends_at TIMESTAMPTZ,
            closed_at TIMESTAMPTZ,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            CONSTRAINT period_unique_name UNIQUE (village, name),
            CONSTRAINT period_dates CHECK (ends_on >= starts_on)
        )""",
        "CREATE UNIQUE INDEX period_one_open ON period (village) WHERE state = 'open'",
        """CREATE TABLE evaluation (
            id {id},
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
            period INTEGER NOT NULL REFERENCES period (id) ON DELETE RESTRICT,
            household INTEGER NOT NULL REFERENCES household (id) ON DELETE RESTRICT,
            rule INTEGER NOT NULL REFERENCES rule (id) ON DELETE RESTRICT,
            points INTEGER NOT NULL,
            state VARCHAR(16) NOT NULL DEFAULT 'proposed'
                CHECK (state IN ('proposed', 'verified', 'notice', 'posted', 'rejected')),
            source VARCHAR(16) NOT NULL DEFAULT 'manual'
                CHECK (source IN ('manual', 'batch', 'cross')),
            note VARCHAR(500) NOT NULL DEFAULT '',
            evidence VARCHAR(64),
            proposed_by INTEGER REFERENCES piccolo_user (id) ON DELETE RESTRICT,
            proposer_name VARCHAR(100) NOT NULL DEFAULT '',
            verified_by INTEGER REFERENCES piccolo_user (id) ON DELETE RESTRICT,
            verifier_name VARCHAR(100) NOT NULL DEFAULT '',
            verify_note VARCHAR(500) NOT NULL DEFAULT '',
            reject_reason VARCHAR(500) NOT NULL DEFAULT '',
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            decided_at TIMESTAMPTZ,
            posted_at TIMESTAMPTZ
        )""",
        "CREATE INDEX evaluation_period ON evaluation (period, state)",
        "CREATE INDEX evaluation_household ON evaluation (household, period)",
        """CREATE TABLE objection (
            id {id},
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
            evaluation INTEGER NOT NULL REFERENCES evaluation (id) ON DELETE RESTRICT,
            filed_by INTEGER REFERENCES piccolo_user (id) ON DELETE RESTRICT,
            filer_name VARCHAR(100) NOT NULL DEFAULT '',
            reason VARCHAR(500) NOT NULL,
            state VARCHAR(16) NOT NULL DEFAULT 'open'
                CHECK (state IN ('open', 'upheld', 'overturned')),
            decided_by INTEGER REFERENCES piccolo_user (id) ON DELETE RESTRICT,
            decision_reason VARCHAR(500) NOT NULL DEFAULT '',
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            decided_at TIMESTAMPTZ
        )""",
        "CREATE UNIQUE INDEX objection_one_open ON objection (evaluation) WHERE state = 'open'",
        """CREATE TABLE cross_assignment (
            id {id},
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
            period INTEGER NOT NULL REFERENCES period (id) ON DELETE RESTRICT,
            marker_group INTEGER NOT NULL REFERENCES moral_group (id) ON DELETE RESTRICT,
            target_group INTEGER NOT NULL REFERENCES moral_group (id) ON DELETE RESTRICT,
            CONSTRAINT cross_assignment_unique UNIQUE (period, marker_group, target_group),
            CONSTRAINT cross_assignment_not_self CHECK (marker_group <> target_group)
        )""",
        """CREATE TABLE cross_mark (
            id {id},
            village INTEGER NOT NULL REFERENCES village (id) ON DELETE RESTRICT,
            period INTEGER NOT NULL REFERENCES period (id) ON DELETE RESTRICT,
            marker INTEGER NOT NULL REFERENCES household (id) ON DELETE RESTRICT,
            household INTEGER NOT NULL REFERENCES household (id) ON DELETE RESTRICT,
            criterion VARCHAR(32) NOT NULL,
            mark INTEGER NOT NULL CHECK (mark BETWEEN 0 AND 10),
            entered_by INTEGER REFERENCES piccolo_user (id) ON DELETE RESTRICT,
            created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
            CONSTRAINT cross_mark_unique UNIQUE (period, marker, household, criterion)
        )""",
        """CREATE TABLE scoring_setting (
            id {id},
            village INTEGER NOT NULL UNIQUE REFERENCES village (id) ON DELETE RESTRICT,
            star_threshold INTEGER NOT NULL DEFAULT 10 CHECK (star_threshold >= 1),
            cross_bands TEXT NOT NULL DEFAULT '[[80, 5], [60, 2], [0, 0]]'
        )""",
    ],
)
