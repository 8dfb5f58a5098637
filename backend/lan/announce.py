"""What ``jifen serve --lan`` prints: every LAN address, the certificate page, the
fingerprint to compare, and QR codes a tablet or phone scans instead of typing an address."""

from __future__ import annotations

import io
from dataclasses import dataclass

import qrcode
from rich.console import Console
from rich.text import Text

from backend.lan.certificates import LocalCA


@dataclass(frozen=True, slots=True)
class LanAddresses:
    """The addresses one LAN address of the PC gives the devices.

    Attributes:
        https: the base every page is used at (``https://192.168.1.20:8443``).
        certificate_page: the plain-HTTP page that hands out the local authority's certificate.
        kiosk, villager: the shop till and the villager's page, over HTTPS.
    """

    https: str
    certificate_page: str
    kiosk: str
    villager: str


def addresses_for(address: str, http_port: int, https_port: int) -> LanAddresses:
    base = f"https://{address}:{https_port}"
    return LanAddresses(
        https=base,
        certificate_page=f"http://{address}:{http_port}/lan.html",
        kiosk=f"{base}/shop.html",
        villager=f"{base}/me.html",
    )


def qr_text(data: str) -> str:
    """A QR code drawn with half blocks, two modules per character row: dark modules are the
    block characters, so it must be shown dark on light (see :func:`announce`)."""
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_L)
    code.add_data(data)
    code.make(fit=True)
    out = io.StringIO()
    code.print_ascii(out=out, tty=False, invert=False)
    return out.getvalue().rstrip("\n")


def say(console: Console, value: str) -> None:
    """Print a line holding values (addresses, the fingerprint) exactly as typed. Soft-wrapped:
    on a narrow terminal the terminal folds it, and a copy or a log keeps each value whole. No
    markup and no emoji codes: rich would read ``:AB:`` inside a fingerprint as 🆎 and
    ``[fe80::1]`` in an IPv6 address as a style."""
    console.print(value, highlight=False, soft_wrap=True, markup=False, emoji=False)


def announce(
    console: Console, ca: LocalCA, addresses: tuple[str, ...], http_port: int, https_port: int
) -> list[LanAddresses]:
    """Print where the devices go, in the order a township does it: install the certificate
    on each tablet once, then open the kiosk or the villager's page (QR codes for the first
    address). Returns the addresses printed."""
    every = [addresses_for(address, http_port, https_port) for address in addresses]
    console.print("积分 Jifen 在本村局域网上 · Jifen on the village LAN", style="bold")
    for entry in every:
        say(
            console, f"  {entry.https}    （HTTP :{http_port} 自动转到 HTTPS · redirects to HTTPS）"
        )
    if not every:
        console.print("[red]没有找到局域网地址：请检查网线或 Wi-Fi · no LAN address found[/red]")
        return every
    first = every[0]
    console.print(
        "\n第一步：每台平板、手机先装一次本机证书 · first install this PC's certificate "
        "on each tablet and phone:",
        style="bold",
    )
    for entry in every:
        say(console, f"  {entry.certificate_page}")
    say(console, f"  证书 certificate: {ca.name}\n  指纹 SHA-256: {ca.fingerprint}")
    for title, url in (
        ("证书安装页 certificate page", first.certificate_page),
        ("超市收银台 shop kiosk", first.kiosk),
        ("村民页面 villager's page", first.villager),
    ):
        say(console, f"\n{title}: {url}")
        # Dark blocks on a white ground whatever the terminal's colours (a phone reads dark on
        # light); piped, the characters alone.
        console.print(Text(qr_text(url), style="black on white"), highlight=False)
    say(
        console,
        f"\n海报和卡片上的二维码要用的地址：请设置 JIFEN_PUBLIC_URL={first.https} · "
        f"for posters and cards set JIFEN_PUBLIC_URL={first.https}",
    )
    return every
