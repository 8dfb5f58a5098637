"""Refusals of ``jifen setup`` and of the demo on a set-up database."""

from __future__ import annotations

from backend.errors import DomainError


class DatabaseNotEmpty(DomainError):
    code = "database_not_empty"
    status = 409
    zh = "这个数据库里已经有数据（{what}），jifen setup 只在空数据库上运行。"
    en = "This database already holds data ({what}): jifen setup runs only on an empty one."


class DatabaseIsSetUp(DomainError):
    code = "database_is_set_up"
    status = 409
    zh = "这个数据库已用 jifen setup 建成真实的乡镇，不能载入演示数据。"
    en = "This database was set up with jifen setup for a real township: no demo data goes in."


class BadAnswer(DomainError):
    code = "bad_setup_answer"
    status = 400
    zh = "{question}：{reason}"
    en = "{question}: {reason}"
