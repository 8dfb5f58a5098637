"""Scoring demo for 西黄须村: its 村规民约 as a rule book, and November's open period with
proposals from the grid officer and the committee, some already verified by a second member,
and the moral groups' cross-evaluation under way.

The rules follow report 004 (新时代文明实践积分管理制度 based on the village rules: hygiene,
respect for elders, neighbourliness, simpler weddings and funerals, volunteering, obeying the law)
with the deductions the red/black board is about (乱堆乱放, 高价彩礼 …).
"""

from __future__ import annotations

import random
from datetime import date

from backend.audit.services import CLI_ACTOR
from backend.demo.boards import past_month_with_board
from backend.demo.cross import cross_evaluation_demo
from backend.demo.staff import staff_scorer
from backend.registry.tables import Household, Village
from backend.scoring import evaluations, periods, rules

BOTH = ["committee", "grid_officer"]
COMMITTEE = ["committee"]
RULE_BOOK = [
    ("HJ01", "环境卫生", "门前三包落实，庭院干净整洁", 5, 1, False, BOTH),
    ("HJ02", "环境卫生", "参加村庄环境集中整治", 3, 4, True, BOTH),
    ("HJ03", "环境卫生", "柴草杂物乱堆乱放", -2, 3, False, BOTH),
    ("HJ04", "环境卫生", "乱倒垃圾、乱排污水", -3, 3, False, BOTH),
    ("XL01", "孝老爱亲", "孝敬赡养老人，照顾病残亲属", 10, 1, False, COMMITTEE),
    ("XL02", "孝老爱亲", "评为好媳妇、好婆婆", 10, 1, False, COMMITTEE),
    ("XL03", "孝老爱亲", "不履行赡养义务", -10, 1, False, COMMITTEE),
    ("LL01", "邻里和睦", "邻里互帮互助", 3, 3, False, BOTH),
    ("LL02", "邻里和睦", "主动调解矛盾纠纷", 5, 2, False, COMMITTEE),
    ("LL03", "邻里和睦", "打架斗殴、辱骂他人", -10, 1, False, COMMITTEE),
    ("YF01", "移风易俗", "红白事简办，向理事会报备", 10, 1, False, COMMITTEE),
    ("YF02", "移风易俗", "不大操大办、不铺张浪费", 5, 1, False, COMMITTEE),
    ("YF03", "移风易俗", "索要高价彩礼", -10, 1, False, COMMITTEE),
    ("YF04", "移风易俗", "大操大办、攀比浪费", -10, 1, False, COMMITTEE),
    ("ZY01", "志愿服务", "参加志愿服务活动", 3, 4, True, BOTH),
    ("ZY02", "志愿服务", "参加防汛、防火等应急值守", 5, 2, True, BOTH),
    ("ZF01", "遵纪守法", "参加法治宣传学习", 2, 2, False, BOTH),
    ("ZF02", "遵纪守法", "私搭乱建", -5, 1, False, BOTH),
    ("ZF03", "遵纪守法", "违法违规受到处理", -20, 1, False, COMMITTEE),
    ("XF01", "乡风文明", "参军入伍、见义勇为", 10, 1, False, COMMITTEE),
    ("JC01", "乡风文明", "道德小组交叉评议良好", 5, 1, False, COMMITTEE),
]


def rule_book_rows() -> list[rules.NewRule]:
    """The demo's rule book as ``rules.adopt_rule_book`` takes it (the demo and the tests that
    score with the demo's rules adopt the same rows)."""
    return [
        rules.NewRule(
            code=c,
            category=cat,
            title=t,
            points=p,
            cap=cap,
            evidence_required=ev,
            proposers=tuple(who),
        )
        for c, cat, t, p, cap, ev, who in RULE_BOOK
    ]


CROSS_RULE = "JC01"  # scored only by tallying the cross-evaluation, never drawn at random
PROPOSALS = [
    ("xhx_grid", "HJ01"),
    ("xhx_grid", "HJ03"),
    ("xhx_grid", "LL01"),
    ("xhx_grid", "ZF01"),
    ("xhx_grid", "HJ04"),
    ("xhx_grid", "HJ01"),
    ("xhx_committee", "XL01"),
    ("xhx_committee", "YF01"),
    ("xhx_committee", "LL02"),
    ("xhx_committee", "YF03"),
    ("xhx_committee", "XL02"),
    ("xhx_committee", "HJ01"),
    ("xhx_committee", "YF02"),
    ("xhx_grid", "HJ03"),
    ("xhx_committee", "LL01"),
    ("xhx_committee", "ZF02"),
]


async def village_with_rule_book(village_code: str) -> tuple[int, dict[str, int], list[int]]:
    """The demo village's id after it adopted the demo's rule book, its rule ids by code and its
    households' ids in roster order."""
    village = await Village.select(Village.id).where(Village.code == village_code).first().run()
    assert village is not None
    vid = village["id"]
    book = await rules.adopt_rule_book(
        CLI_ACTOR,
        vid,
        rule_book_rows(),
        note="村民代表大会通过的村规民约积分细则",
    )
    by_code = {r.code: r.id for r in book.rules}
    households = [
        r["id"]
        for r in await Household.select(Household.id)
        .where(Household.village == vid)
        .order_by(Household.id)
        .run()
    ]
    return vid, by_code, households


async def load_scoring_demo() -> None:
    vid, by_code, households = await village_with_rule_book("XHX")
    scorers = {
        "xhx_grid": await staff_scorer("xhx_grid", "grid_officer"),
        "xhx_committee": await staff_scorer("xhx_committee", "committee"),
    }
    checker = await staff_scorer("xhx_committee2", "committee")
    await past_month_with_board(
        vid,
        households,
        [
            by_code[code]
            for code, *_, evidence, _who in RULE_BOOK
            if not evidence and code != CROSS_RULE
        ],
        [scorers["xhx_committee"]],
        checker,
    )
    period = await periods.open_period(
        CLI_ACTOR,
        vid,
        name="2026年11月",
        kind="month",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 30),
    )
    rng = random.Random(2026_11)
    for n, (username, code) in enumerate(PROPOSALS):
        household = households[1 + (n * 7 + rng.randint(0, 3)) % (len(households) - 1)]
        [evaluation_id] = await evaluations.propose(
            scorers[username],
            vid,
            period.id,
            household,
            by_code[code],
            note=rng.choice(["巡查发现", "群众反映", "村民代表推荐", ""]),
        )
        if n % 3 != 2:
            await evaluations.verify(checker, vid, evaluation_id, note="入户核实属实")
    await cross_evaluation_demo(vid, period.id, scorers["xhx_committee"])
