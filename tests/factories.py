"""Factories that build real rows through the services (never raw inserts)."""

from __future__ import annotations

import calendar
import io
import itertools
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from PIL import Image

from backend import clock
from backend.activities import services as activities
from backend.audit.services import CLI_ACTOR
from backend.auth import services as auth
from backend.auth.principal import Grant, Role
from backend.boards import services as board_services
from backend.cards import issuing
from backend.ledger import services as ledger
from backend.registry import services as registry
from backend.registry.records import HouseholdRecord, TownRecord
from backend.scoring import evaluations, periods, rules
from backend.scoring.evaluations import Scorer
from backend.scoring.periods import Period
from backend.scoring.rules import NewRule, RuleBook
from backend.shop import catalogue, redemption_services
from backend.shop.pictures import store_picture

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def tiny_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (30, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def unique(prefix: str) -> str:
    return f"{prefix}{next(_counter)}{uuid.uuid4().hex[:6]}".upper()


# The rule most tests score with: committee-proposed, 5 points, at most 3 times a period.
TIDY_YARD = NewRule(
    code="HJ01",
    category="环境卫生",
    title="庭院整洁",
    points=5,
    cap=3,
    evidence_required=False,
    proposers=("committee",),
)
# The rule of the villages' activities: volunteering, 3 points, at most 4 times a period.
CLEAN_UP = NewRule(
    code="ZY01",
    category="志愿服务",
    title="参加环境整治",
    points=3,
    cap=4,
    evidence_required=False,
    proposers=("committee", "grid_officer"),
)
# The award a star is made of in the villager's and the passbook's months: 孝老爱亲, 10 points.
CARING = NewRule(
    code="XL01",
    category="孝老爱亲",
    title="赡养老人",
    points=10,
    cap=1,
    evidence_required=False,
    proposers=("committee",),
)


@dataclass
class Place:
    """A village with its grid, moral group, two households and a token per role."""

    town_id: int
    village_id: int
    grid_id: int
    moral_group_id: int
    households: list[HouseholdRecord]
    shop_id: int = 0
    product_id: int = 0
    tokens: dict[Role, str] = field(default_factory=dict)
    user_ids: dict[Role, int] = field(default_factory=dict)
    usernames: dict[Role, str] = field(default_factory=dict)
    scoring: dict[str, int] = field(default_factory=dict)

    def headers(self, role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


@dataclass
class World:
    a: Place
    b: Place
    elsewhere: Place


async def make_town() -> TownRecord:
    return await registry.create_town(CLI_ACTOR, "测试镇", unique("T"))


async def make_user(
    role: Role, place: Place, household_id: int | None = None
) -> tuple[int, str, str]:
    """A user of the place with one grant; returns (user id, bearer token, username)."""
    if role is Role.town_admin:
        grant = Grant(role, town_id=place.town_id)
    else:
        grant = Grant(
            role,
            village_id=place.village_id,
            household_id=household_id if role is Role.villager else None,
            shop_id=place.shop_id if role is Role.shopkeeper else None,
            grid_id=place.grid_id if role is Role.grid_officer else None,
        )
    username = unique("u").lower()
    user_id = await auth.create_user(CLI_ACTOR, username, PASSWORD, [grant])
    return user_id, await auth.issue_token(user_id, "127.0.0.1"), username


async def make_place(town_id: int, *, with_users: bool = True) -> Place:
    village = await registry.create_village(CLI_ACTOR, town_id, name="测试村", code=unique("V"))
    vid = village.id
    grid = await registry.create_grid(CLI_ACTOR, vid, "一网格")
    group = await registry.create_moral_group(CLI_ACTOR, vid, "第一道德小组")
    households = [
        await registry.create_household(
            CLI_ACTOR,
            vid,
            {
                "number": f"H{n}",
                "head_name": name,
                "grid_id": grid.id,
                "moral_group_id": group.id,
            },
            [{"name": name, "relation": "户主"}],
        )
        for n, name in ((1, "王建国"), (2, "李秀英"))
    ]
    shop = await catalogue.create_shop(CLI_ACTOR, vid, "积分超市", [])
    product = await catalogue.add_product(
        CLI_ACTOR, vid, shop.id, {"name": "洗衣粉", "price": 10, "unit": "袋"}
    )
    await catalogue.restock(CLI_ACTOR, vid, shop.id, product.id, 20, "爱心企业", None)
    await catalogue.update_product(
        CLI_ACTOR, vid, shop.id, product.id, {"picture": store_picture(tiny_png())}
    )
    place = Place(town_id, vid, grid.id, group.id, households, shop.id, product.id)
    if with_users:
        for role in Role:
            place.user_ids[role], place.tokens[role], place.usernames[role] = await make_user(
                role, place, households[0].id
            )
    return place


async def build_world() -> World:
    town = await make_town()
    other_town = await make_town()
    return World(
        a=await make_place(town.id),
        b=await make_place(town.id),
        elsewhere=await make_place(other_town.id),
    )


@dataclass(frozen=True)
class Month:
    """A place's rule book, its open month and who scores (or organises) in it."""

    book: RuleBook
    period: Period
    scorer: Scorer


async def open_month(
    place: Place,
    *terms: NewRule,
    month: int = 11,
    role: Role = Role.committee,
    name: str = "张委员",
) -> Month:
    """Adopt ``terms`` (TIDY_YARD if none) as the place's rule book and open 2026's ``month``
    ("2026年11月"), with the place's ``role`` user as the scorer, called ``name``: what every
    scoring and activity test sets up before its first step."""
    book = await rules.adopt_rule_book(CLI_ACTOR, place.village_id, list(terms or (TIDY_YARD,)))
    period = await periods.open_period(
        CLI_ACTOR,
        place.village_id,
        name=f"2026年{month}月",
        kind="month",
        starts_on=date(2026, month, 1),
        ends_on=date(2026, month, calendar.monthrange(2026, month)[1]),
    )
    return Month(book, period, Scorer(place.user_ids[role], name, frozenset({role.value})))


async def stocked_place(points: int = 100, **village: Any) -> Place:
    """A place whose first household has ``points`` and a card; village settings as given.

    The village asks for no PIN (``pin_threshold`` 0) unless the test gives a threshold: a
    household without a PIN buys nothing above one, and most tests are not about the PIN."""
    place = await make_place((await make_town()).id)
    await registry.update_village(CLI_ACTOR, place.village_id, {"pin_threshold": 0, **village})
    household = place.households[0].id
    await ledger.award(
        CLI_ACTOR, place.village_id, household, points, key=unique("seed"), reason="测试积分"
    )
    await issuing.issue_card(CLI_ACTOR, place.village_id, household)
    return place


async def add_scoring(place: Place) -> dict[str, int]:
    """Once per place: a rule book, an open period and an evaluation with a photo, for tests
    that need their ids."""
    if place.scoring:
        return place.scoring
    board_id = await add_board(place)
    sale_id = await add_sale(place)
    book = await rules.adopt_rule_book(
        CLI_ACTOR,
        place.village_id,
        [
            NewRule(
                code="HJ01",
                category="环境卫生",
                title="庭院整洁",
                points=5,
                cap=3,
                evidence_required=False,
                proposers=("committee", "grid_officer"),
            ),
        ],
    )
    period = await periods.open_period(
        CLI_ACTOR,
        place.village_id,
        name=unique("P"),
        kind="month",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 30),
    )
    scorer = Scorer(
        user_id=place.user_ids[Role.committee], name="factory", roles=frozenset({"committee"})
    )
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(photo, format="PNG")
    evaluation_id = await evaluations.propose_with_evidence(
        scorer,
        place.village_id,
        period.id,
        place.households[1].id,
        book.rules[0].id,
        photo=photo.getvalue(),
    )
    code = await issuing.card_payload(place.village_id, place.households[0].id)
    activity = await activities.create_activity(
        scorer,
        place.village_id,
        {
            "title": "村道清扫",
            "rule_id": book.rules[0].id,
            "starts_at": clock.now(),
            "ends_at": clock.now() + timedelta(hours=2),
        },
    )
    await activities.start_activity(scorer, place.village_id, activity.id)
    attendance = await activities.check_in(
        scorer, place.village_id, activity.id, activities.Scan(code, unique("checkin"))
    )
    place.scoring = {
        "rule_id": book.rules[0].id,
        "period_id": period.id,
        "evaluation_id": evaluation_id,
        "board_id": board_id,
        "redemption_id": sale_id,
        "activity_id": activity.id,
        "attendance_id": attendance.id,
    }
    return place.scoring


async def add_board(place: Place) -> int:
    """A past period, closed, with a published red/black board (no other period may be open)."""
    period = await periods.open_period(
        CLI_ACTOR,
        place.village_id,
        name=unique("B"),
        kind="month",
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 10, 31),
    )
    await ledger.award(
        CLI_ACTOR,
        place.village_id,
        place.households[0].id,
        5,
        key=unique("board"),
        reason="测试",
        period_id=period.id,
    )
    await periods.start_notice(CLI_ACTOR, place.village_id, period.id)
    await periods.close_period(
        CLI_ACTOR, place.village_id, period.id, now=clock.now() + timedelta(days=60)
    )
    board = await board_services.publish(CLI_ACTOR, place.village_id, period.id)
    return board.id


async def add_sale(place: Place) -> int:
    """One sale of the place's product to its first household, paid with the card."""
    household = place.households[0].id
    await ledger.award(
        CLI_ACTOR, place.village_id, household, 50, key=unique("sale"), reason="测试积分"
    )
    code = await issuing.card_payload(place.village_id, household)
    receipt = await redemption_services.redeem(
        CLI_ACTOR,
        place.village_id,
        place.shop_id,
        code,
        [redemption_services.Line(place.product_id, 1)],
        key=unique("k"),
    )
    return receipt.id
