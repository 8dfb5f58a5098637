"""Issue 15 #12: which households are in hardship (关怀户) cannot be read off any public or
villager view.

Two villages alike in everything but one household's hardship flag: every view anyone but the
committee sees is the same in both, except that in the hardship village that household is not
on the black board (which is then ranked among those it lists). No count of exempted
households, no ranking that reaches below the black line, no gap in ranks."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from backend.audit.services import CLI_ACTOR
from backend.auth.principal import Role
from backend.boards import services as boards
from backend.boards.poster import black_notes
from backend.boards.public import mask
from backend.boards.tie_rule import competition_ranks
from backend.registry import services as registry
from tests.boards.test_red_black import closed_period
from tests.factories import Place

SCORES = {"张大山": 30, "李小河": 20, "王春花": 10, "丁秋月": -9, "赵冬生": -6}
HARDSHIP = "丁秋月"  # the worst result of the period: on the black board unless exempted
NOT_COMPARED = {
    "public_id",
    "village_name",
    "chain_seq",
    "chain_head",
    "published_at",
    "household_id",
    "number",
    "id",
    "village_id",
    "period_id",
}


def same_shape(value: Any) -> Any:
    """What differs between two villages by construction (ids, names of the village, times,
    the ledger's hash chain) taken out; everything people read kept."""
    if isinstance(value, dict):
        return {k: same_shape(v) for k, v in value.items() if k not in NOT_COMPARED}
    if isinstance(value, list):
        return [same_shape(v) for v in value]
    return value


def struck_off(board: dict[str, Any], name: str) -> dict[str, Any]:
    """The board with ``name`` left off the black board, the rest ranked among themselves."""
    kept = [
        e for e in board["black"] if e.get("name", e.get("head_name")) not in (name, mask(name))
    ]
    ranks = {
        s.household_id: s.rank
        for s in competition_ranks([(i, -e["earned"]) for i, e in enumerate(kept)])
    }
    return {**board, "black": [{**e, "rank": ranks[i]} for i, e in enumerate(kept)]}


async def village_pair() -> tuple[tuple[Place, dict], tuple[Place, dict]]:
    made = []
    for hardship in ({HARDSHIP}, set()):
        place, period = await closed_period(SCORES, hardship=hardship, board_size=3)
        await boards.publish(CLI_ACTOR, place.village_id, period["period_id"])
        made.append((place, period))
    return made[0], made[1]


async def public_views(client: AsyncClient, place: Place, period_id: int) -> dict[str, Any]:
    code = (await registry.village(place.village_id)).code
    newest = await boards.latest(place.village_id)
    assert newest is not None
    screen = (await client.get(f"/api/v1/public/villages/{code}/screen")).json()
    verify = (await client.get(f"/api/v1/public/boards/{newest.public_id}")).json()
    villager = place.headers(Role.villager)
    base = f"/api/v1/villages/{place.village_id}"
    seen = {
        "verify": verify,
        "screen": screen,
        "villager_boards": (await client.get(f"{base}/boards", headers=villager)).json(),
        "villager_board": (await client.get(f"{base}/boards/{newest.id}", headers=villager)).json(),
    }
    for period in (None, period_id):
        query = f"?limit=100&period_id={period}" if period else "?limit=100"
        seen[f"leaderboard_{period}"] = (
            await client.get(f"{base}/leaderboard{query}", headers=villager)
        ).json()
    return seen


async def test_public_and_villager_views_do_not_tell_who_is_in_hardship(
    client: AsyncClient,
) -> None:
    (hard_place, hard), (plain_place, plain) = await village_pair()
    with_hardship = await public_views(client, hard_place, hard["period_id"])
    without = await public_views(client, plain_place, plain["period_id"])

    # the only difference: the household is not on the black board, ranked among the listed
    assert [e["name"] for e in with_hardship["verify"]["black"]] == [mask("赵冬生")]
    assert with_hardship["verify"]["black"][0]["rank"] == 1
    for name in ("verify", "screen"):
        expected = without[name]
        if name == "screen":
            expected = {**expected, "board": struck_off(expected["board"], HARDSHIP)}
        else:
            expected = struck_off(expected, HARDSHIP)
        assert same_shape(with_hardship[name]) == same_shape(expected), name
    expected_board = struck_off(without["villager_board"], HARDSHIP)
    assert same_shape(with_hardship["villager_board"]) == same_shape(expected_board)
    assert same_shape(with_hardship["villager_boards"]) == same_shape(
        [struck_off(b, HARDSHIP) for b in without["villager_boards"]]
    )
    for period in (None, hard["period_id"]):
        mine, theirs = (
            with_hardship[f"leaderboard_{period}"],
            without[f"leaderboard_{plain['period_id'] if period else None}"],
        )
        assert same_shape(mine) == same_shape(theirs)
        # the bottom of the village is the black board's to show: no ranking reaches below it
        assert all(item["earned"] >= 0 for item in mine["items"])

    # no count of exempted households anywhere but the committee's own views
    for view in (
        with_hardship["verify"],
        with_hardship["screen"]["board"],
        with_hardship["villager_board"],
    ):
        assert "hardship_left_off" not in view or view["hardship_left_off"] is None
    assert "关怀户" in with_hardship["verify"]["rule_text"]  # the rule itself is public
    newest = await boards.latest(hard_place.village_id)
    assert newest is not None and newest.hardship_left_off == 1  # kept for the committee
    assert not any("关怀" in note for note in black_notes(newest))  # the printed poster
    preview = await client.get(
        f"/api/v1/villages/{hard_place.village_id}/periods/{hard['period_id']}/board/preview",
        headers=hard_place.headers(Role.committee),
    )
    assert preview.json()["hardship_left_off"] == 1
    committee = await client.get(
        f"/api/v1/villages/{hard_place.village_id}/leaderboard"
        f"?limit=100&period_id={hard['period_id']}",
        headers=hard_place.headers(Role.committee),
    )
    assert min(item["earned"] for item in committee.json()["items"]) == -9  # all of it


async def test_a_villager_s_own_rank_and_neighbours_stop_at_the_line(
    client: AsyncClient,
) -> None:
    (place, made), _ = await village_pair()
    base = f"/api/v1/villages/{place.village_id}"
    # a low household sees its own place, but not the other low households around it
    low = await client.get(
        f"{base}/households/{made['ids']['赵冬生']}/rank?period_id={made['period_id']}",
        headers=place.headers(Role.committee),
    )
    assert {n["earned"] for n in low.json()["neighbours"]} >= {-9, -6}
    own = place.households[0].id  # H1: no points this period
    seen = await client.get(
        f"{base}/households/{own}/rank?period_id={made['period_id']}",
        headers=place.headers(Role.villager),
    )
    assert seen.status_code == 200, seen.text
    assert all(n["earned"] >= 0 or n["household_id"] == own for n in seen.json()["neighbours"])
