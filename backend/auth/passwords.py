"""Which passwords a staff account may have: long enough, and not one that is guessed first.

The rule follows NIST SP 800-63B: length rather than composition rules, and a check against
passwords that attackers try first (a short list shipped with the code, the usual Chinese
keyboard and number patterns, a single repeated character, a run like ``12345678``, and the
account's own username). A committee or shop password guards points that are money to a
household, so the minimum is 10 characters, not the 8 most sites accept.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from backend.auth.errors import CommonPassword, WeakPassword

MIN_LENGTH = 10
COMMON_LIST = Path(__file__).with_name("common_passwords.txt")
RUNS = (
    "0123456789",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv",
    "qazwsxedc",
)


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def _is_run(text: str) -> bool:
    """``12345678901``, ``987654321``, ``abcdefghij``, ``qwertyuiop``: a walk along one row."""
    return any(text in run or text in run[::-1] or text in run * 2 for run in RUNS)


def _core(password: str) -> str:
    """The password without the digits and symbols people tack on (``password2024!``)."""
    return re.sub(r"[\d\W_]+$", "", password.lower())


def check_password(password: str, username: str = "") -> None:
    """Refuse a password that is too short or one of those tried first; return if it is fine."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(min_length=MIN_LENGTH)
    lowered = password.lower()
    common = common_passwords()
    if (
        lowered in common
        or _core(password) in common
        or len(set(lowered)) <= 2
        or _is_run(lowered)
        or (len(username) >= 3 and username.lower() in lowered)
    ):
        raise CommonPassword()
