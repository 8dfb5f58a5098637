"""The scoring tables: rule books and rules, periods, evaluations, objections, cross-evaluation.

Every table carries ``village`` (the shard key). Rules are never edited in place: a change makes a
new rule book version, so an evaluation's ``rule`` always names the wording it was scored under.
Nothing here is deleted; a wrong evaluation is rejected, a wrong objection is dismissed.
"""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from backend.clock import ClockNow
from backend.registry.tables import Household, MoralGroup, Village


class RuleBook(Table):
    """One version of a village's rules (积分细则); exactly one version per village is current."""

    id: Serial
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)
    version = Integer()
    is_current = Boolean(default=True)
    note = Varchar(length=200, default="")
    created_at = Timestamptz(default=ClockNow())


class Rule(Table):
    """One line of the rule book: signed ``points`` (deductions negative) applied at most ``cap``
    times per household per period; ``proposers`` is a comma list of roles that may propose it."""

    id: Serial
    rule_book = ForeignKey(references=RuleBook, on_delete=OnDelete.restrict, null=False)
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)
    position = Integer()
    code = Varchar(length=32)
    category = Varchar(length=32)
    title = Varchar(length=200)
    points = Integer()
    cap = Integer(default=1)
    evidence_required = Boolean(default=False)
    proposers = Varchar(length=64, default="committee")


class Period(Table):
    """A scoring period (评议周期): open → notice (公示) → closed."""

    id: Serial
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)
    name = Varchar(length=50)
    kind = Varchar(length=16)
    starts_on = Date()
    ends_on = Date()
    state = Varchar(length=16, default="open")
    notice_ends_at = Timestamptz(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=ClockNow())


class Evaluation(Table):
    """One rule applied once to one household in one period, by one person (评分).

    ``points`` is copied from the rule (or the cross-evaluation table) when proposed, so a later
    rule book cannot change what was scored. States: proposed → verified → notice → posted, or
    rejected.
    """

    id: Serial
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)
    period = ForeignKey(references=Period, on_delete=OnDelete.restrict, null=False)
    household = ForeignKey(references=Household, on_delete=OnDelete.restrict, null=False)
    rule = ForeignKey(references=Rule, on_delete=OnDelete.restrict, null=False)
    points = Integer()
    state = Varchar(length=16, default="proposed")
    source = Varchar(length=16, default="manual")
    note = Varchar(length=500, default="")
    evidence = Varchar(length=64, null=True, default=None)
    proposed_by = Integer(null=True, default=None)
    proposer_name = Varchar(length=100, default="")
    verified_by = Integer(null=True, default=None)
    verifier_name = Varchar(length=100, default="")
    verify_note = Varchar(length=500, default="")
    reject_reason = Varchar(length=500, default="")
    created_at = Timestamptz(default=ClockNow())
    decided_at = Timestamptz(null=True, default=None)
    posted_at = Timestamptz(null=True, default=None)


class Objection(Table):
    """A challenge to an evaluation during notice (异议): open → upheld | overturned."""

    id: Serial
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)
    evaluation = ForeignKey(references=Evaluation, on_delete=OnDelete.restrict, null=False)
    filed_by = Integer(null=True, default=None)
    filer_name = Varchar(length=100, default="")
    reason = Varchar(length=500)
    state = Varchar(length=16, default="open")
    decided_by = Integer(null=True, default=None)
    decision_reason = Varchar(length=500, default="")
    created_at = Timestamptz(default=ClockNow())
    decided_at = Timestamptz(null=True, default=None)


class CrossAssignment(Table):
    """For one period: the households of ``marker_group`` mark those of ``target_group``."""

    id: Serial
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)
    period = ForeignKey(references=Period, on_delete=OnDelete.restrict, null=False)
    marker_group = ForeignKey(references=MoralGroup, on_delete=OnDelete.restrict, null=False)
    target_group = ForeignKey(references=MoralGroup, on_delete=OnDelete.restrict, null=False)


class CrossMark(Table):
    """One marker household's 0–10 mark for another group's household on one criterion."""

    id: Serial
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)
    period = ForeignKey(references=Period, on_delete=OnDelete.restrict, null=False)
    marker = ForeignKey(references=Household, on_delete=OnDelete.restrict, null=False)
    household = ForeignKey(references=Household, on_delete=OnDelete.restrict, null=False)
    criterion = Varchar(length=32)
    mark = Integer()
    entered_by = Integer(null=True, default=None)
    created_at = Timestamptz(default=ClockNow())


class ScoringSetting(Table):
    """A village's scoring knobs: the star threshold and the cross-evaluation points table.

    ``cross_bands`` is a JSON list of ``[minimum mean in tenths, points]``, highest first.
    """

    id: Serial
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False, unique=True)
    star_threshold = Integer(default=10)
    cross_bands = Text(default="[[80, 5], [60, 2], [0, 0]]")


class ScoreSheetUpload(Table):
    """A score sheet that was entered: ``digest`` is SHA-256 over the scores it asked for (not the
    file's bytes, so the same sheet saved again by Excel is still the same sheet); unique per
    period, which refuses entering it twice."""

    id: Serial
    village = ForeignKey(references=Village, on_delete=OnDelete.restrict, null=False)
    period = ForeignKey(references=Period, on_delete=OnDelete.restrict, null=False)
    digest = Varchar(length=64)
    uploaded_by = Integer(null=True, default=None)
    uploader_name = Varchar(length=100, default="")
    evaluations = Integer(default=0)
    created_at = Timestamptz(default=ClockNow())
