"""The red board's tie rule: standard competition ranking (1, 2, 2, 4) and the cut-off that
keeps every household tied at it.

One home for the rule, whoever ranks: the boards of a period (:mod:`backend.boards.services`,
red and black), the leaderboards computed from SQL when Redis is down, and the windows of a
Redis leaderboard (:mod:`backend.boards.leaderboard`) all rank here, so a tie reads the same on
the poster, the hall screen and a villager's phone. Ties are ordered the way Redis keeps them
(higher member first), so both paths list tied households alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Standing:
    """A household's place: its earned points and its competition rank."""

    household_id: int
    earned: int
    rank: int


def competition_ranks(scores: Iterable[tuple[int, int]]) -> list[Standing]:
    """Standard competition ranking (1, 2, 2, 4) of (household, earned), best first."""
    ordered = sorted(scores, key=lambda pair: (-pair[1], -pair[0]))
    return ranked_from(ordered, start=0, first_rank=1)


def ranked_from(
    ordered: Iterable[tuple[int, int]], *, start: int, first_rank: int
) -> list[Standing]:
    """Competition ranks of (household, earned) pairs already ordered best first, the first
    of them at position ``start`` of the whole ranking with rank ``first_rank`` (a window of a
    Redis board: the households above it may tie with its first). A pair below a different
    score is preceded by exactly its position."""
    standings: list[Standing] = []
    for index, (household_id, earned) in enumerate(ordered):
        rank = (
            standings[-1].rank
            if standings and standings[-1].earned == earned
            else first_rank
            if not standings
            else start + index + 1
        )
        standings.append(Standing(household_id, earned, rank))
    return standings


def cut(standings: list[Standing], size: int) -> list[Standing]:
    """The top ``size`` of a board: everyone ranked within it, so all tied at the cut-off are
    listed (a board of 2 over 30, 20, 20 lists three)."""
    return [s for s in standings if s.rank <= size]
