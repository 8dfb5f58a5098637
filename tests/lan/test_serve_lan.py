"""``jifen serve --lan`` on loopback: HTTPS from the generated authority, the plain port
redirecting, the certificate handed out, and what the terminal printed."""

from __future__ import annotations

import ipaddress
import ssl

import httpx
import pytest
import zxingcpp
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from PIL import Image

from tests.lan.server import LanServer


def test_https_is_verified_against_the_generated_ca_and_nothing_else(
    lan_server: LanServer,
) -> None:
    answer = httpx.get(f"{lan_server.https}/health", verify=lan_server.trusting())
    assert answer.json() == {"database": "ok", "redis": "ok"}
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(f"{lan_server.https}/health", verify=ssl.create_default_context())

    served = ssl.get_server_certificate(("127.0.0.1", int(lan_server.https.rsplit(":", 1)[1])))
    certificate = x509.load_pem_x509_certificate(served.encode())
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert ipaddress.ip_address("127.0.0.1") in names.get_values_for_type(x509.IPAddress)
    authority = x509.load_pem_x509_certificate(lan_server.ca_file.read_bytes())
    assert certificate.issuer == authority.subject
    assert authority.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert (lan_server.var_dir / "lan" / "ca.key").stat().st_mode & 0o077 == 0


def test_the_http_port_redirects_to_https_keeping_path_query_and_method(
    lan_server: LanServer,
) -> None:
    page = httpx.get(f"{lan_server.http}/shop.html?from=tablet")
    assert page.status_code == 308
    assert page.headers["location"] == f"{lan_server.https}/shop.html?from=tablet"
    login = httpx.post(f"{lan_server.http}/api/v1/auth/login", json={"username": "x"})
    assert login.status_code == 308
    assert login.headers["location"] == f"{lan_server.https}/api/v1/auth/login"
    followed = httpx.get(
        f"{lan_server.http}/health", follow_redirects=True, verify=lan_server.trusting()
    )
    assert followed.status_code == 200 and str(followed.url) == f"{lan_server.https}/health"


def test_the_certificate_page_and_the_certificate_are_served_over_plain_http(
    lan_server: LanServer,
) -> None:
    expected = lan_server.ca_file.read_bytes()
    for base, verify in ((lan_server.http, True), (lan_server.https, lan_server.trusting())):
        download = httpx.get(f"{base}/lan/ca.crt", verify=verify)
        assert download.status_code == 200
        assert download.headers["content-type"].startswith("application/x-x509-ca-cert")
        assert "jifen-ca.crt" in download.headers["content-disposition"]
        assert download.content == expected
    facts = httpx.get(f"{lan_server.http}/lan/ca.json").json()
    authority = x509.load_pem_x509_certificate(expected)
    assert (
        facts["fingerprint"].replace(":", "").lower()
        == authority.fingerprint(hashes.SHA256()).hex()
    )
    assert facts["https_port"] == int(lan_server.https.rsplit(":", 1)[1])
    page = httpx.get(f"{lan_server.http}/lan.html")
    assert page.status_code == 200 and "安装本机证书" in page.text


def qr_from_terminal(lines: list[str]) -> str:
    """Decode a QR code drawn with half blocks (two modules per character; qrcode draws the
    light ones as no-break spaces) back to its text."""
    top = {"█": (1, 1), "▀": (1, 0), "▄": (0, 1), " ": (0, 0), "\xa0": (0, 0)}
    width = max(len(line) for line in lines)
    image = Image.new("L", (width, 2 * len(lines)), 255)
    for y, line in enumerate(lines):
        for x, char in enumerate(line.ljust(width)):
            upper, lower = top[char]
            if upper:
                image.putpixel((x, 2 * y), 0)
            if lower:
                image.putpixel((x, 2 * y + 1), 0)
    image = image.resize((width * 8, len(lines) * 16), Image.Resampling.NEAREST)
    [found] = zxingcpp.read_barcodes(image)
    return str(found.text)


def test_the_terminal_shows_the_addresses_the_fingerprint_and_scannable_qr_codes(
    lan_server: LanServer,
) -> None:
    printed = lan_server.log.read_text()
    authority = x509.load_pem_x509_certificate(lan_server.ca_file.read_bytes())
    fingerprint = ":".join(f"{b:02X}" for b in authority.fingerprint(hashes.SHA256()))
    assert fingerprint in printed
    assert f"{lan_server.http}/lan.html" in printed
    assert f"JIFEN_PUBLIC_URL={lan_server.https}" in printed
    lines = printed.splitlines()
    decoded = []
    for title in ("超市收银台", "村民页面", "证书安装页"):
        start = next(i for i, line in enumerate(lines) if line.startswith(title))
        block = []
        for line in lines[start + 1 :]:
            if line == "" or set(line) - set(" \xa0█▀▄"):
                break
            block.append(line)
        decoded.append(qr_from_terminal(block))
    assert decoded == [
        f"{lan_server.https}/shop.html",
        f"{lan_server.https}/me.html",
        f"{lan_server.http}/lan.html",
    ]
