"""Jifen (积分): civility points, the points supermarket and a verifiable ledger for villages."""
