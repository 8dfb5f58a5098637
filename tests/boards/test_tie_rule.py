"""The red board's tie rule: ranks 1, 2, 2, 4, and everyone tied at the cut-off listed."""

from __future__ import annotations

from backend.boards.tie_rule import competition_ranks, cut, ranked_from


def test_standard_competition_ranking() -> None:
    ranks = competition_ranks([(1, 30), (2, 20), (3, 20), (4, 10), (5, 10), (6, 5)])
    assert [(s.earned, s.rank) for s in ranks] == [
        (30, 1),
        (20, 2),
        (20, 2),
        (10, 4),
        (10, 4),
        (5, 6),
    ]


def test_ties_are_ordered_as_redis_keeps_them_higher_household_first() -> None:
    assert [s.household_id for s in competition_ranks([(3, 20), (9, 20), (5, 20)])] == [9, 5, 3]


def test_the_cut_keeps_everyone_tied_at_it() -> None:
    ranks = competition_ranks([(1, 30), (2, 20), (3, 20), (4, 10)])
    assert [s.household_id for s in cut(ranks, 2)] == [1, 3, 2]
    assert cut(ranks, 0) == []


def test_a_window_of_a_board_ranks_as_the_whole_board_does() -> None:
    whole = competition_ranks([(1, 30), (2, 20), (3, 20), (4, 20), (5, 10), (6, 5)])
    # positions 2 to 4 of the board (0-based), the first tied with one household above it
    window = ranked_from(
        [(s.household_id, s.earned) for s in whole[2:5]], start=2, first_rank=whole[2].rank
    )
    assert window == whole[2:5]
