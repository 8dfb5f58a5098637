"""Refusals of backup and restore, for the operator at the command line."""

from __future__ import annotations

from backend.errors import DomainError


class DatabaseMissing(DomainError):
    code = "database_missing"
    status = 404
    zh = "找不到数据库文件 {path}。"
    en = "The database file {path} does not exist."


class BackupMissing(DomainError):
    code = "backup_missing"
    status = 404
    zh = "找不到备份文件 {path}。"
    en = "The backup file {path} does not exist."


class BackupExists(DomainError):
    """Two backups in the same second would share a name; the second never replaces the first."""

    code = "backup_exists"
    status = 409
    zh = "备份 {path} 已存在，请过一秒再试。"
    en = "The backup {path} already exists; try again in a second."


class ToolMissing(DomainError):
    code = "pg_tool_missing"
    status = 500
    zh = (
        "找不到 {tool}：请安装与数据库同一大版本或更新的 PostgreSQL 客户端"
        "（Debian：apt-get install postgresql-client），"
        "或按 README「备份」一节从数据库容器备份。"
    )
    en = (
        "{tool} is not installed: install the PostgreSQL client of the server's major version "
        "or newer (Debian: apt-get install postgresql-client), or back up from the database "
        "container as the README's Backups section shows."
    )


class DumpFailed(DomainError):
    code = "pg_dump_failed"
    status = 500
    zh = "pg_dump 失败，没有留下备份文件：{detail}"
    en = "pg_dump failed and left no backup file: {detail}"


class ScratchRestoreFailed(DomainError):
    code = "verify_restore_failed"
    status = 500
    zh = "无法把备份恢复到临时数据库 {database} 来核对：{detail}"
    en = "Could not restore the backup into the scratch database {database} to verify it: {detail}"


class BackupNotSound(DomainError):
    """The copy is damaged or its ledger does not verify. ``failures`` lists every finding."""

    code = "backup_not_sound"
    status = 422
    zh = "备份 {path} 未通过核对：{detail}"
    en = "The backup {path} failed verification: {detail}"


class RestoreNeedsYes(DomainError):
    code = "restore_needs_yes"
    status = 400
    zh = "恢复会替换当前数据库：核对上面的内容后，加 --yes 再运行。"
    en = "Restoring replaces the current database: check the above, then run again with --yes."


class DatabaseInUse(DomainError):
    """Another process holds the SQLite file open: its write-ahead log is still there after
    our own connection closed (SQLite removes it when the last connection closes)."""

    code = "database_in_use"
    status = 409
    zh = "数据库 {path} 正在使用中（服务器还在运行？）：请先停止服务器再恢复。"
    en = "The database {path} is in use (is the server still running?): stop it, then restore."


class RestorePostgres(DomainError):
    code = "restore_postgresql"
    status = 400
    zh = "PostgreSQL 数据库请先停止服务，再用 pg_restore 恢复：{command}"
    en = "Restore a PostgreSQL database with pg_restore, with the app stopped: {command}"
