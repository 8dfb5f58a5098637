"""Refusals of the registry domain."""

from __future__ import annotations

from backend.errors import DomainError


class DuplicateCode(DomainError):
    code = "duplicate_code"
    status = 409
    zh = "编号“{value}”已被使用。"
    en = "The code “{value}” is already in use."


class DuplicateHouseholdNumber(DomainError):
    code = "duplicate_household_number"
    status = 409
    zh = "户号“{number}”在本村已存在。"
    en = "Household number “{number}” already exists in this village."


class DuplicateName(DomainError):
    code = "duplicate_name"
    status = 409
    zh = "名称“{name}”在本村已存在。"
    en = "The name “{name}” already exists in this village."


class UnknownGrid(DomainError):
    code = "unknown_grid"
    status = 422
    zh = "本村没有这个网格。"
    en = "This village has no such grid."


class UnknownMoralGroup(DomainError):
    code = "unknown_moral_group"
    status = 422
    zh = "本村没有这个道德小组。"
    en = "This village has no such moral group."
