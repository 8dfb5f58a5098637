"""The points ledger: double entry, exactly once, hash-chained per village."""
