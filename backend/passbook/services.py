"""积分存折 (the passbook): what one household's printed statement says, gathered from the
ledger, the registry and the period's stars.

Everything printed is the server's: every line's words and the balance the ledger wrote after
it, the stars as the scoring rules count them, and the village's chain head at the moment of
printing — whose QR lets anyone check later that the chain still has that link, so a page
cannot be honest about a ledger that was rewritten after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from backend import clock
from backend.errors import InvalidInput
from backend.ledger.history import household_history
from backend.ledger.lines import KIND_LABELS
from backend.ledger.verify import heads
from backend.registry import services as registry
from backend.registry.errors import UnknownGrid
from backend.scoring import periods as scoring_periods
from backend.scoring.stars import stars
from backend.settings import get_settings

MAX_HOUSEHOLDS = 2000
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 30)  # no ledger holds anything outside


@dataclass(frozen=True, slots=True)
class Span:
    """The stretch a passbook covers: ``label`` as printed, ``since``/``until`` the instants
    it runs from and to (None: open), and the scoring period it is, if it is one. Always one
    unbroken stretch, so each line's balance follows from the one before."""

    label: str
    since: datetime | None
    until: datetime | None
    period_id: int | None = None


@dataclass(frozen=True, slots=True)
class PassbookLine:
    """One printed line: ``day`` local date, ``words`` what it was, in Chinese (kind, reason and
    period), ``amount`` signed, ``balance`` the balance after it, ``seq`` its chain link."""

    day: date
    words: str
    amount: int
    balance: int
    seq: int


@dataclass(frozen=True, slots=True)
class Stars:
    """The household's five-star count (五星文明户) in ``period_name``, and their categories."""

    period_name: str
    count: int
    categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Passbook:
    """One household's passbook.

    village_name, number, head_name, members: who it is for (members by name, head first).
    span: the stretch it covers; opening/closing: the balance before and after it;
    earned: what moved between the village's issuance and the household in it (awards minus
    deductions, what ranks use); spent: what moved to the shop, net of voids.
    stars: the household's stars (None before any period went on notice).
    chain_seq, chain_hash: the village's chain head when it was printed; verify_url: what its
    QR opens. printed_at: local time of printing.
    """

    village_name: str
    number: str
    head_name: str
    members: tuple[str, ...]
    span: Span
    opening: int
    closing: int
    earned: int
    spent: int
    lines: tuple[PassbookLine, ...]
    stars: Stars | None
    chain_seq: int
    chain_hash: str
    verify_url: str
    printed_at: datetime


async def span_of(
    village_id: int, period_id: int | None, start: date | None, end: date | None
) -> Span:
    """A scoring period, or the local days given (inclusive), or everything so far.

    A period runs from its first day until it was closed (today if it is not yet): its scores
    post at the close, after its last day, and a passbook of 十月 without them would be empty."""
    zone = ZoneInfo(get_settings().timezone)
    if period_id is not None:
        if start is not None or end is not None:
            raise InvalidInput(detail="give a period or dates, not both")
        found = await scoring_periods.period(village_id, period_id)
        closed = found.closed_at
        label = f"{found.name}（{found.starts_on} 至 " + (
            f"{closed.astimezone(zone):%Y-%m-%d} 结算）" if closed else "今天，尚未结算）"
        )
        return Span(label, datetime.combine(found.starts_on, time(), zone), closed, period_id)
    if any(d is not None and not FIRST_DAY <= d <= LAST_DAY for d in (start, end)):
        raise InvalidInput(detail=f"dates must lie between {FIRST_DAY} and {LAST_DAY}")
    if start is not None and end is not None and start > end:
        raise InvalidInput(detail="start must not be after end")
    if start is None and end is None:
        return Span("全部流水", None, None)
    return Span(
        f"{start or '开始'} 至 {end or '今天'}",
        datetime.combine(start, time(), zone) if start else None,
        datetime.combine(end + timedelta(days=1), time(), zone) if end else None,
    )


def _words(kind: str, reason: str, period_id: int | None, names: dict[int, str], span: Span) -> str:
    label = KIND_LABELS.get(kind, kind)
    # "积分超市兑换：洗衣粉×1" says what it is already; "乱倒垃圾" needs its 扣分 in front.
    words = reason if label[-2:] in reason else f"{label}：{reason}"
    if (
        period_id is not None
        and period_id != span.period_id
        and period_id in names
        and names[period_id] not in reason
    ):
        words += f"（{names[period_id]}）"
    return words


async def _stars(
    village_id: int, household_id: int, span: Span, periods: list[scoring_periods.Period]
) -> Stars | None:
    wanted = (
        [p for p in periods if p.id == span.period_id]
        if span.period_id
        else [p for p in periods if p.state != "open"]
    )
    if not wanted:
        return None
    period = wanted[0]  # the period asked for, or the newest on notice or closed
    mine = await stars(village_id, period.id, household_id=household_id)
    if not mine:
        return Stars(period.name, 0, ())
    return Stars(period.name, mine[0].stars, tuple(mine[0].categories))


def verify_url(base_url: str, village_code: str, seq: int, chain_hash: str) -> str:
    """What the passbook's QR opens: the public page that checks the chain still has this
    link (``kiosk/chain.html``)."""
    query = urlencode({"village": village_code, "seq": seq, "hash": chain_hash})
    return f"{base_url.rstrip('/')}/chain.html?{query}"


async def passbook(village_id: int, household_id: int, span: Span, base_url: str) -> Passbook:
    """One household's passbook over ``span``; another village's household is not found."""
    return (await _passbooks(village_id, [household_id], span, base_url))[0]


async def passbooks(
    village_id: int, span: Span, base_url: str, *, grid_id: int | None = None
) -> list[Passbook]:
    """The passbooks of a village's (or one grid's) active households, by household number —
    what the committee prints for the households without phones."""
    if grid_id is not None and grid_id not in {g.id for g in await registry.grids(village_id)}:
        raise UnknownGrid()
    rows, _total = await registry.households(
        village_id, grid_id=grid_id, status="active", page_size=MAX_HOUSEHOLDS
    )
    return await _passbooks(village_id, [r.id for r in rows], span, base_url)


async def _passbooks(
    village_id: int, household_ids: list[int], span: Span, base_url: str
) -> list[Passbook]:
    village = await registry.village(village_id)
    zone = ZoneInfo(get_settings().timezone)
    periods = await scoring_periods.periods(village_id)
    names = {p.id: p.name for p in periods}
    head = await heads(village_id)
    chain_seq, chain_hash = (head[0].seq, head[0].hash) if head else (0, "")
    url = verify_url(base_url, village.code, chain_seq, chain_hash)
    printed_at = clock.now().astimezone(zone)
    out = []
    for household_id in household_ids:
        household = await registry.household(village_id, household_id)
        history = await household_history(village_id, household_id, span.since, span.until)
        members = [m.name for m in household.members if m.active]
        if household.head_name in members:
            members.remove(household.head_name)
        out.append(
            Passbook(
                village_name=village.name,
                number=household.number,
                head_name=household.head_name,
                members=(household.head_name, *members),
                span=span,
                opening=history.opening,
                closing=history.closing,
                earned=sum(ln.amount for ln in history.lines if ln.other == "issuance"),
                spent=-sum(ln.amount for ln in history.lines if ln.other == "shop"),
                lines=tuple(
                    PassbookLine(
                        day=ln.created_at.astimezone(zone).date(),
                        words=_words(ln.kind, ln.reason, ln.period_id, names, span),
                        amount=ln.amount,
                        balance=ln.balance,
                        seq=ln.seq,
                    )
                    for ln in history.lines
                ),
                stars=await _stars(village_id, household_id, span, periods),
                chain_seq=chain_seq,
                chain_hash=chain_hash,
                verify_url=url,
                printed_at=printed_at,
            )
        )
    return out
