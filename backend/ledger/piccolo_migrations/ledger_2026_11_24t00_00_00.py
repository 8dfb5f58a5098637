"""PostgreSQL: append a transfer in one round trip (``ledger_append``).

The hot path of the ledger is a handful of statements that each wait on the network; as one
function they cost one round trip and, outside a transaction, no BEGIN and COMMIT either. The
function does exactly what :func:`backend.ledger.posting._post` does — lock the village's head,
check the key, move both balances in guarded updates, link and insert the row, move the head —
and computes the link with the canonical bytes of :mod:`backend.ledger.chain`, so
``jifen ledger verify`` (Python) checks its rows like any other. Whenever it cannot finish alone
(no head or account yet, or a floor refuses) it returns ``slow`` having changed nothing, and the
caller takes the Python path, which opens what is missing or says why it refuses. SQLite has no
functions of this kind and needs none: its statements do not cross a network.

It also ties each transfer to its accounts *within its village* — ``(village, debit)`` and
``(village, credit)`` referencing ``account (village, id)`` — instead of referencing the village
row itself: stronger (a transfer can no longer name another village's account), and an append no
longer takes a KEY SHARE lock on the one village row that every concurrent append in the village
shares; the account rows it checks are already locked by the append's own updates. (SQLite keeps
the first migration's keys: it cannot alter constraints.)
"""

from backend.migrations import sql_migration

ID = "2026-11-24T00:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "ledger: ledger_append, one round trip per transfer on PostgreSQL; keys by village"

# PL/pgSQL, not SQL: a SQL function called from PL/pgSQL is planned again on every call.
ACCOUNT_FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_account(p_village integer, p_kind text, p_owner integer)
RETURNS integer LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF p_kind = 'issuance' THEN
        RETURN (SELECT id FROM account WHERE village = p_village AND kind = 'issuance');
    END IF;
    RETURN (SELECT id FROM account WHERE village = p_village AND kind = p_kind
        AND owner = p_owner);
END
$$"""

# Keys in the order of chain.canonical_bytes (sorted); strings through to_json, as json.dumps
# with ensure_ascii=False escapes them; the reference arrives as canonical JSON already.
APPEND_FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_append(
    p_village integer, p_key text, p_request_hash text, p_kind text,
    p_debit_kind text, p_debit_owner integer, p_debit_floor text,
    p_credit_kind text, p_credit_owner integer, p_amount bigint,
    p_reason text, p_reference text, p_period_id integer, p_actor integer,
    p_actor_name text, p_reverses bigint, p_created_at timestamptz,
    OUT outcome text, OUT transfer_id bigint, OUT seq bigint, OUT hash text,
    OUT debit_balance bigint, OUT credit_balance bigint)
LANGUAGE plpgsql AS $$
DECLARE
    head record;
    debit_id integer;
    credit_id integer;
    negative_ok boolean;
BEGIN
    outcome := 'slow';
    SELECT h.seq, h.hash INTO head FROM ledger_head h WHERE h.village = p_village FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT t.id INTO transfer_id FROM transfer t
        WHERE t.village = p_village AND t.idempotency_key = p_key;
    IF FOUND THEN
        outcome := 'replay';
        RETURN;
    END IF;
    debit_id := ledger_account(p_village, p_debit_kind, p_debit_owner);
    credit_id := ledger_account(p_village, p_credit_kind, p_credit_owner);
    IF debit_id IS NULL OR credit_id IS NULL THEN
        RETURN;
    END IF;
    negative_ok := p_debit_floor = 'none' OR (p_debit_floor = 'village' AND
        (SELECT v.allow_negative_balance FROM village v WHERE v.id = p_village));
    UPDATE account a SET balance = a.balance - p_amount,
        allow_negative = CASE WHEN p_debit_floor = 'village' THEN negative_ok
                              ELSE a.allow_negative END
        WHERE a.id = debit_id AND (negative_ok OR a.balance >= p_amount)
        RETURNING a.balance INTO debit_balance;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    UPDATE account a SET balance = a.balance + p_amount WHERE a.id = credit_id
        RETURNING a.balance INTO credit_balance;
    seq := head.seq + 1;
    hash := encode(sha256(convert_to(head.hash
        || '{"actor":' || coalesce(p_actor::text, 'null')
        || ',"actor_name":' || to_json(p_actor_name)::text
        || ',"amount":' || p_amount
        || ',"created_at":"'
        || to_char(p_created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '+00:00"'
        || ',"credit":' || credit_id || ',"credit_balance":' || credit_balance
        || ',"debit":' || debit_id || ',"debit_balance":' || debit_balance
        || ',"idempotency_key":' || to_json(p_key)::text
        || ',"kind":' || to_json(p_kind)::text
        || ',"period_id":' || coalesce(p_period_id::text, 'null')
        || ',"reason":' || to_json(p_reason)::text
        || ',"reference":' || p_reference
        || ',"request_hash":' || to_json(p_request_hash)::text
        || ',"reverses":' || coalesce(p_reverses::text, 'null')
        || ',"seq":' || seq || ',"village":' || p_village || '}', 'UTF8')), 'hex');
    INSERT INTO transfer (village, seq, debit, credit, amount, debit_balance, credit_balance,
        kind, reason, reference, period_id, actor, actor_name, idempotency_key, request_hash,
        reverses, prev_hash, hash, created_at)
    VALUES (p_village, seq, debit_id, credit_id, p_amount, debit_balance, credit_balance,
        p_kind, p_reason, p_reference::json, p_period_id, p_actor, p_actor_name, p_key,
        p_request_hash, p_reverses, head.hash, hash, p_created_at)
    RETURNING id INTO transfer_id;
    UPDATE ledger_head h SET seq = ledger_append.seq, hash = ledger_append.hash,
        updated_at = p_created_at WHERE h.village = p_village;
    outcome := 'posted';
END
$$"""

ACCOUNT_KEYS = [
    "ALTER TABLE account ADD CONSTRAINT account_unique_village_id UNIQUE (village, id)",
    """ALTER TABLE transfer DROP CONSTRAINT transfer_village_fkey,
        DROP CONSTRAINT transfer_debit_fkey, DROP CONSTRAINT transfer_credit_fkey,
        ADD CONSTRAINT transfer_debit_fkey FOREIGN KEY (village, debit)
            REFERENCES account (village, id) ON DELETE RESTRICT,
        ADD CONSTRAINT transfer_credit_fkey FOREIGN KEY (village, credit)
            REFERENCES account (village, id) ON DELETE RESTRICT""",
]

forwards = sql_migration(ID, "ledger", DESCRIPTION,
                         [*ACCOUNT_KEYS, ACCOUNT_FUNCTION, APPEND_FUNCTION], postgres_only=True)
