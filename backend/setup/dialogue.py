"""The questions of ``jifen setup``, asked of a person at a terminal or read from standard
input (one answer a line, for a script or a test: ``jifen setup < answers.txt``).

At a terminal a wrong answer is explained and asked again, and passwords are not echoed. From
standard input a wrong answer, or the answers running out, stops the setup before anything is
written: a script whose lines slipped must not build a township from the wrong lines.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from rich.console import Console

from backend.auth.principal import Role
from backend.errors import DomainError
from backend.setup.errors import BadAnswer
from backend.setup.plan import (
    CODE,
    USERNAME,
    AccountPlan,
    SetupPlan,
    VillagePlan,
    check_staff_password,
    names_list,
)
from backend.setup.words import WORDS

Check = Callable[[str], str]


class Answers:
    """Where the answers come from, and the language the questions are asked in."""

    def __init__(self, stdin: TextIO, out: Console, language: str) -> None:
        self.stdin = stdin
        self.out = out
        self.words = WORDS["en" if language == "en" else "zh-CN"]
        self.interactive = stdin.isatty()

    def word(self, key: str, **values: object) -> str:
        return self.words[key].format(**values)

    def refusal(self, question: str, reason_key: str) -> BadAnswer:
        return BadAnswer(question=question.strip(), reason=self.word(reason_key))

    def _line(self, question: str, default: str, secret: bool) -> str:
        shown = f"{question} [{default}]: " if default else f"{question}: "
        if self.interactive:
            if secret:
                return getpass.getpass(shown)
            self.out.print(shown, end="", highlight=False, markup=False)
            return input()
        self.out.print(shown, end="", highlight=False, markup=False)
        line = self.stdin.readline()
        if not line:
            raise self.refusal(question, "no_more")
        self.out.print("" if secret else line.rstrip("\n"), highlight=False, markup=False)
        return line.rstrip("\r\n")

    def ask(self, question: str, check: Check, *, default: str = "", secret: bool = False) -> str:
        """The checked answer (``check`` normalises it or raises :class:`BadAnswer`)."""
        while True:
            raw = self._line(question, default, secret).strip() or default
            try:
                return check(raw)
            except BadAnswer as refused:
                if not self.interactive:
                    raise
                self.out.print(f"[red]{refused.message(self.language)}[/red]")

    @property
    def language(self) -> str:
        return "en" if self.words is WORDS["en"] else "zh-CN"


def _ask_code(answers: Answers, question: str, taken: set[str], *, optional: bool = False) -> str:
    def check(raw: str) -> str:
        code = raw.upper()
        if optional and not code:
            return ""
        if not CODE.fullmatch(code):
            raise answers.refusal(question, "need_code")
        if code in taken:
            raise answers.refusal(question, "taken")
        return code

    return answers.ask(question, check)


def _text(answers: Answers, question: str) -> Check:
    def check(raw: str) -> str:
        if not raw:
            raise answers.refusal(question, "need_text")
        return raw

    return check


def _ask_accounts(
    answers: Answers, heading: str, role: Role, village: str | None, example: str, taken: set[str]
) -> list[AccountPlan]:
    """Accounts until an empty username."""
    answers.out.print(f"\n{heading}", style="bold", highlight=False)
    found: list[AccountPlan] = []
    while True:
        question = answers.word("username", example=example)

        def check(raw: str, question: str = question) -> str:
            name = raw.lower()
            if not name:
                return ""
            if not USERNAME.fullmatch(name):
                raise answers.refusal(question, "need_username")
            if name in taken:
                raise answers.refusal(question, "taken")
            return name

        username = answers.ask(question, check)
        if not username:
            return found
        display = answers.ask(
            answers.word("display_name"), _text(answers, answers.word("display_name"))
        )
        password = _ask_password(answers, username)
        taken.add(username)
        found.append(AccountPlan(username, display, password, role, village))
        if role is Role.town_admin:
            return found


def _ask_password(answers: Answers, username: str) -> str:
    question = answers.word("password")

    def allowed(raw: str) -> str:
        try:
            check_staff_password(raw, username)
        except DomainError as refused:
            raise BadAnswer(
                question=question.strip(), reason=refused.message(answers.language)
            ) from refused
        return raw

    while True:
        password = answers.ask(question, allowed, secret=True)
        if not answers.interactive:
            return password
        again = answers.ask(answers.word("password_again"), lambda raw: raw, secret=True)
        if again == password:
            return password
        answers.out.print(f"[red]{answers.word('password_mismatch')}[/red]")


def _existing_file(answers: Answers, question: str) -> Check:
    """A path to a file that exists (read when the township is built), or "" for none."""

    def check(raw: str) -> str:
        if raw and not Path(raw).expanduser().is_file():
            raise answers.refusal(question, "need_file")
        return str(Path(raw).expanduser()) if raw else ""

    return check


def _ask_villages(answers: Answers) -> list[VillagePlan]:
    villages: list[VillagePlan] = []
    codes: set[str] = set()
    while True:
        question = answers.word("village_code", n=len(villages) + 1)
        code = _ask_code(answers, question, codes, optional=True)
        if not code:
            if villages:
                return villages
            if not answers.interactive:
                raise answers.refusal(question, "need_village")
            answers.out.print(f"[red]{answers.word('need_village')}[/red]")
            continue
        codes.add(code)
        name = answers.ask(
            answers.word("village_name", code=code),
            _text(answers, answers.word("village_name", code=code)),
        )
        grids = names_list(answers.ask(answers.word("grids", name=name), lambda raw: raw))
        groups = names_list(answers.ask(answers.word("groups", name=name), lambda raw: raw))
        roster = answers.ask(
            answers.word("roster", name=name),
            _existing_file(answers, answers.word("roster", name=name)),
        )
        villages.append(VillagePlan(code, name, grids, groups, roster))


def gather_plan(answers: Answers, default_public_url: str) -> SetupPlan | None:
    """Ask every question in a township's order; None when the operator does not confirm."""
    out = answers.out
    out.print(answers.word("welcome"), style="bold", highlight=False)
    town_name = answers.ask(answers.word("town_name"), _text(answers, answers.word("town_name")))
    town_code = _ask_code(answers, answers.word("town_code"), set())
    villages = _ask_villages(answers)
    usernames: set[str] = set()
    accounts: list[AccountPlan] = []
    while not accounts:
        accounts = _ask_accounts(
            answers,
            answers.word("admin"),
            Role.town_admin,
            None,
            f"{town_code.lower()}_admin",
            usernames,
        )
        if not accounts and not answers.interactive:
            raise answers.refusal(answers.word("admin"), "need_text")
    for village in villages:
        committee: list[AccountPlan] = []
        while not committee:
            committee = _ask_accounts(
                answers,
                answers.word("committee", name=village.name),
                Role.committee,
                village.code,
                f"{village.code.lower()}_committee",
                usernames,
            )
            if not committee and not answers.interactive:
                raise answers.refusal(
                    answers.word("committee", name=village.name), "need_committee"
                )
        accounts += committee
        accounts += _ask_accounts(
            answers,
            answers.word("shopkeeper", name=village.name),
            Role.shopkeeper,
            village.code,
            f"{village.code.lower()}_shop",
            usernames,
        )

    def url(raw: str) -> str:
        if not raw.startswith(("http://", "https://")):
            raise answers.refusal(answers.word("public_url"), "need_url")
        return raw.rstrip("/")

    public_url = answers.ask(answers.word("public_url"), url, default=default_public_url)
    out.print(
        "\n"
        + answers.word(
            "summary",
            town=town_name,
            code=town_code,
            villages=len(villages),
            accounts=len(accounts),
        ),
        highlight=False,
    )
    confirmed = answers.ask(answers.word("confirm"), lambda raw: raw.lower())
    if confirmed not in ("y", "yes", "是", "确认"):
        out.print(answers.word("cancelled"))
        return None
    return SetupPlan(town_name, town_code, tuple(villages), tuple(accounts), public_url)
