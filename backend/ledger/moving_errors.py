"""Refusals of moving a village between databases (``jifen ledger import-village``), for the
operator at the command line. Each names what collides, so the operator knows what to rename or
move first; every one is raised before the import writes anything."""

from __future__ import annotations

from backend.errors import DomainError


class VillageCodeTaken(DomainError):
    code = "village_code_taken"
    status = 409
    zh = "目标数据库已经有编码为 {code} 的村，不能再导入一次。"
    en = "The target database already has a village with code {code}; it cannot be imported."


class UsernameTaken(DomainError):
    code = "username_taken"
    status = 409
    zh = "目标数据库已经有这些登录名：{usernames}。请先改名，再导入。"
    en = "The target database already has these login names: {usernames}. Rename them first."


class EmailTaken(DomainError):
    """A login renamed to avoid ``username_taken`` keeps its old ``<name>@jifen.invalid``."""

    code = "email_taken"
    status = 409
    zh = "目标数据库已经有这些邮箱：{emails}。请先修改其中一边的邮箱，再导入。"
    en = (
        "The target database already has these e-mail addresses: {emails}. Change them in one "
        "of the two databases first."
    )


class HouseholdTaken(DomainError):
    """A household's public id is random (50 bits): found in the target, it is the same
    household, so the village (or part of it) was imported before under another code."""

    code = "household_taken"
    status = 409
    zh = "目标数据库已经有这些住户（公开编号）：{households}，这个村可能已经导入过。"
    en = (
        "The target database already has these households (public ids): {households}; "
        "the village may have been imported before."
    )


class RowTaken(DomainError):
    """A key the import keeps as written (a board's public id; on SQLite, which keeps the old
    global keys, a receipt number or a spent phone code) is already in the target."""

    code = "row_taken"
    status = 409
    zh = "目标数据库的 {table} 表已经有 {column} 为 {values} 的记录，没有导入任何数据。"
    en = "The target's {table} table already has {column} {values}; nothing was imported."


class ShopShared(DomainError):
    """A shop serving several villages holds rows of each (docs/scaling.md "The shared
    shop"): the village cannot move without the others."""

    code = "shop_shared"
    status = 409
    zh = "村 {code} 与其他村共用积分超市：{shops}。共用超市的村不能单独迁移。"
    en = (
        "Village {code} shares points supermarkets with other villages: {shops}. A village "
        "sharing a shop cannot be moved alone."
    )


class VillageFileBroken(DomainError):
    code = "village_file_broken"
    status = 422
    zh = "文件里的账本链核对不通过（{problem}），没有导入任何数据。"
    en = "The file's ledger chain does not verify ({problem}); nothing was imported."


class SchemaMismatch(DomainError):
    code = "schema_mismatch"
    status = 409
    zh = "文件来自另一个版本的数据库结构（缺少或多出：{migrations}），请先把两边都升级到同一版本。"
    en = (
        "The file comes from another schema version (missing or extra: {migrations}); "
        "migrate both databases to the same version first."
    )
