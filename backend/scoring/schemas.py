"""The scoring API shapes. Inputs are strict; outputs are named after the glossary."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from backend.http.input import Strict, plain

Id = Annotated[int, msgspec.Meta(ge=1)]
RuleCode = Annotated[str, msgspec.Meta(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]
Category = Annotated[str, plain(1, 32)]
RuleTitle = Annotated[str, plain(1, 200)]
Points = Annotated[int, msgspec.Meta(ge=-10_000, le=10_000)]
Cap = Annotated[int, msgspec.Meta(ge=1, le=100)]
Note = Annotated[str, msgspec.Meta(max_length=500)]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
PeriodName = Annotated[str, plain(1, 50)]
ProposerRole = Literal["committee", "grid_officer"]


class RuleIn(Strict):
    code: RuleCode
    category: Category
    title: RuleTitle
    points: Points
    cap: Cap = 1
    evidence_required: bool = False
    proposers: Annotated[list[ProposerRole], msgspec.Meta(min_length=1, max_length=2)] = (
        msgspec.field(default_factory=lambda: ["committee"])
    )

    def __post_init__(self) -> None:
        if self.points == 0:
            raise ValueError("points must not be zero")


class RuleUpdate(Strict):
    category: Category | msgspec.UnsetType = msgspec.UNSET
    title: RuleTitle | msgspec.UnsetType = msgspec.UNSET
    points: Points | msgspec.UnsetType = msgspec.UNSET
    cap: Cap | msgspec.UnsetType = msgspec.UNSET
    evidence_required: bool | msgspec.UnsetType = msgspec.UNSET
    proposers: (
        Annotated[list[ProposerRole], msgspec.Meta(min_length=1, max_length=2)] | msgspec.UnsetType
    ) = msgspec.UNSET

    def __post_init__(self) -> None:
        if self.points == 0:
            raise ValueError("points must not be zero")


class RuleBookIn(Strict):
    rules: Annotated[list[RuleIn], msgspec.Meta(min_length=1, max_length=500)]
    # Why this version exists (村民代表大会通过, 加孝老条目): required, so the history reads.
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"\S")]


class Rule(msgspec.Struct, kw_only=True):
    id: int
    code: str
    category: str
    title: str
    points: int
    cap: int
    evidence_required: bool
    proposers: list[str]


class RuleBook(msgspec.Struct, kw_only=True):
    id: int
    village_id: int
    version: int
    note: str
    created_at: datetime
    rules: list[Rule]
    # True when what was adopted equals the current version: no new version was made.
    unchanged: bool = False


class PeriodCreate(Strict):
    name: PeriodName
    kind: Literal["month", "quarter"]
    starts_on: date
    ends_on: date


class Period(msgspec.Struct, kw_only=True):
    id: int
    village_id: int
    name: str
    kind: str
    starts_on: date
    ends_on: date
    state: str
    notice_ends_at: datetime | None
    closed_at: datetime | None


class ClosedPeriod(Period, kw_only=True):
    """A close's answer: what posted now, and deductions held back by the balance floor."""

    posted: int
    blocked: list[int]


class EvaluationCreate(Strict):
    household_id: Id
    rule_id: Id
    note: Note = ""


class Evaluation(msgspec.Struct, kw_only=True):
    id: int
    village_id: int
    period_id: int
    household_id: int
    rule_id: int
    rule_code: str
    category: str
    title: str
    points: int
    state: str
    source: str
    note: str
    has_evidence: bool
    proposer_name: str
    verifier_name: str
    verify_note: str
    reject_reason: str
    created_at: datetime
    proposed_by: int | None = None  # the user who entered it: the console greys their own


class BulkVerification(Strict):
    """Several evaluations checked at the households, verified together with one note."""

    evaluation_ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=500)]
    note: Annotated[str, msgspec.Meta(max_length=500)] = ""


class Verification(Strict):
    note: Note = ""


class Rejection(Strict):
    reason: Reason


class ObjectionCreate(Strict):
    reason: Reason


class ObjectionDecision(Strict):
    uphold: bool
    reason: Reason


class Objection(msgspec.Struct, kw_only=True):
    id: int
    village_id: int
    evaluation_id: int
    household_id: int
    period_id: int
    filer_name: str
    reason: str
    state: str
    decision_reason: str
    created_at: datetime
    decided_at: datetime | None


class BatchCell(Strict):
    household_id: Id
    rule_id: Id
    times: Annotated[int, msgspec.Meta(ge=1, le=100)] = 1


class BatchIn(Strict):
    cells: Annotated[list[BatchCell], msgspec.Meta(min_length=1, max_length=5000)]


class SheetEntry(msgspec.Struct, kw_only=True):
    household_id: int
    household_number: str
    rule_id: int
    rule_code: str
    times: int
    points: int


class SheetRepeat(msgspec.Struct, kw_only=True):
    """Sheet row ``row`` repeated row ``first_row`` word for word and was entered once."""

    row: int
    first_row: int


class BatchResult(msgspec.Struct, kw_only=True):
    dry_run: bool
    entries: list[SheetEntry]
    evaluation_ids: list[int]
    repeats: list[SheetRepeat] = []


class Stars(msgspec.Struct, kw_only=True):
    household_id: int
    stars: int
    categories: list[str]
    earned_by_category: dict[str, int]


Tenths = Annotated[int, msgspec.Meta(ge=0, le=100)]


class ScoringSettings(msgspec.Struct, kw_only=True):
    village_id: int
    star_threshold: int
    cross_bands: list[list[int]]


class ScoringSettingsUpdate(Strict):
    star_threshold: Annotated[int, msgspec.Meta(ge=1, le=100_000)] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    cross_bands: (
        Annotated[list[tuple[Tenths, Points]], msgspec.Meta(min_length=1, max_length=20)]
        | msgspec.UnsetType
    ) = msgspec.UNSET


class GroupPair(Strict):
    marker_group_id: Id
    target_group_id: Id


class Assignments(Strict):
    pairs: Annotated[list[GroupPair], msgspec.Meta(min_length=1, max_length=100)]


class Assignment(msgspec.Struct, kw_only=True):
    marker_group_id: int
    target_group_id: int


class Mark(Strict):
    household_id: Id
    criterion: Category
    mark: Annotated[int, msgspec.Meta(ge=0, le=10)]


class MarkSheet(Strict):
    marker_household_id: Id
    marks: Annotated[list[Mark], msgspec.Meta(min_length=1, max_length=2000)]


class MarksEntered(msgspec.Struct, kw_only=True):
    entered: int


class Tally(Strict):
    rule_id: Id


class CrossResult(msgspec.Struct, kw_only=True):
    household_id: int
    markers: int
    result_tenths: int
    criteria_tenths: dict[str, int]
    points: int
    evaluation_id: int | None = None


class SheetHousehold(msgspec.Struct, kw_only=True):
    household_id: int
    number: str
    head_name: str
    group_name: str


class SheetRow(SheetHousehold, kw_only=True):
    """A household to mark, with the marks this marker already gave it (criterion → 0–10)."""

    marks: dict[str, int]


class MarkingSheet(msgspec.Struct, kw_only=True):
    """What one marker household marks in a period: ``criteria`` across, ``households`` down."""

    period_id: int
    period_name: str
    period_state: str
    marker: SheetHousehold
    criteria: list[str]
    households: list[SheetRow]
