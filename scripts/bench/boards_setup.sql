-- 1 000 000 households with earned points, bulk-inserted for scripts/bench/boards ONLY.
-- Through the services this would take days; the boards read earned points from the ledger's
-- transfers between issuance and household accounts, which is what is written here. Balances,
-- seq and the head are consistent; the hash chain is NOT computed (zeros): boards never read it.
-- :villages and :households are psql variables.
\set ON_ERROR_STOP on
INSERT INTO town (name, code) VALUES ('基准省', 'BENCHP');
INSERT INTO village (town, name, code)
SELECT (SELECT id FROM town WHERE code = 'BENCHP'), '基准村' || v, 'BV' || v
FROM generate_series(1, :villages) v;
INSERT INTO grid (village, name) SELECT v.id, '网格' || g FROM village v, generate_series(1, 10) g;
INSERT INTO moral_group (village, name)
SELECT v.id, '道德小组' || m FROM village v, generate_series(1, 20) m;
INSERT INTO household (village, grid, moral_group, number, public_id, head_name)
SELECT v.id, g.id, m.id, 'H' || lpad(n::text, 5, '0'), 'P' || v.id || 'x' || n, '户主' || n
FROM village v CROSS JOIN generate_series(1, :households) n
JOIN grid g ON g.village = v.id AND g.name = '网格' || (n % 10 + 1)
JOIN moral_group m ON m.village = v.id AND m.name = '道德小组' || (n % 20 + 1);

-- Per household: an award in period 1 (1..300 points, many ties), a deduction in period 1 for
-- every fourth, a bonus outside any period for every fifth.
CREATE UNLOGGED TABLE bench_moves AS
SELECT h.village, h.id AS household, x.kind, x.amount, x.period_id, x.n
FROM household h CROSS JOIN LATERAL (VALUES
    ('award', (h.id::bigint * 7919) % 300 + 1, 1, 1),
    ('deduction', CASE WHEN h.id % 4 = 0 AND (h.id::bigint * 7919) % 300 >= 10 THEN h.id % 7 + 1 END,
     1, 2),
    ('bonus', CASE WHEN h.id % 5 = 0 THEN 20 END, NULL, 3)
) AS x (kind, amount, period_id, n)
WHERE x.amount IS NOT NULL;

INSERT INTO account (village, kind, owner, balance, allow_negative)
SELECT v.id, 'issuance', NULL, -COALESCE(
    (SELECT SUM(CASE WHEN kind = 'deduction' THEN -amount ELSE amount END)
     FROM bench_moves m WHERE m.village = v.id), 0), true
FROM village v;
INSERT INTO account (village, kind, owner, balance)
SELECT h.village, 'household', h.id, s.total
FROM household h JOIN (
    SELECT household, SUM(CASE WHEN kind = 'deduction' THEN -amount ELSE amount END) AS total
    FROM bench_moves GROUP BY household) s ON s.household = h.id;

INSERT INTO transfer (village, seq, debit, credit, amount, debit_balance, credit_balance, kind,
                      reason, reference, period_id, actor_name, idempotency_key, request_hash,
                      prev_hash, hash, created_at, public_id)
SELECT m.village, row_number() OVER (PARTITION BY m.village ORDER BY m.household, m.n),
       CASE WHEN m.kind = 'deduction' THEN ha.id ELSE ia.id END,
       CASE WHEN m.kind = 'deduction' THEN ia.id ELSE ha.id END,
       m.amount, 0, 0, m.kind, '基准测试', '{}', m.period_id, 'bench',
       'bench:' || m.household || ':' || m.n, repeat('0', 64), repeat('0', 64), repeat('0', 64),
       now(), 'B' || m.household || 'N' || m.n
FROM bench_moves m
JOIN account ha ON ha.kind = 'household' AND ha.owner = m.household AND ha.village = m.village
JOIN account ia ON ia.kind = 'issuance' AND ia.village = m.village;

INSERT INTO ledger_head (village, seq, hash)
SELECT village, MAX(seq), repeat('0', 64) FROM transfer GROUP BY village;
ANALYZE;
