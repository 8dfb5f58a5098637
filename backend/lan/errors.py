"""Refusals of the LAN setup."""

from __future__ import annotations

from backend.errors import DomainError


class NoLocalCA(DomainError):
    code = "no_local_ca"
    status = 404
    zh = "这台电脑还没有本地证书：请用 jifen serve --lan 启动积分系统。"
    en = "This PC has no local certificate yet: start Jifen with jifen serve --lan."
