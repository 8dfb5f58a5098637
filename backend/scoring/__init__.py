"""Scoring: the rule book, periods, evaluations, 入户核实, 公示, objections, cross-evaluation."""
