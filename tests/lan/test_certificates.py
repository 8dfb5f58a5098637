"""The local authority is made once and kept; the server certificate follows the addresses."""

from __future__ import annotations

import datetime
import ipaddress
from pathlib import Path

from cryptography import x509

from backend.lan.addresses import certificate_names, lan_addresses
from backend.lan.certificates import ensure_local_ca, ensure_server_certificate

NAMES = ("localhost", "vm", "vm.local")
EVERY_INTERFACE = "0.0.0.0"  # noqa: S104 (asked which addresses it means, nothing binds)


def ips_of(path: Path) -> set[str]:
    certificate = x509.load_pem_x509_certificate(path.read_bytes())
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(ip) for ip in names.get_values_for_type(x509.IPAddress)}


def test_the_authority_is_made_once_and_never_replaced(tmp_path: Path) -> None:
    first = ensure_local_ca(tmp_path)
    again = ensure_local_ca(tmp_path)
    assert again == first
    assert first.certificate.read_bytes() == again.certificate.read_bytes()
    assert first.key.stat().st_mode & 0o077 == 0


def test_the_server_certificate_is_kept_while_it_fits_and_resigned_when_addresses_change(
    tmp_path: Path,
) -> None:
    ca = ensure_local_ca(tmp_path)
    home = ensure_server_certificate(ca, tmp_path, ("192.168.1.20", "127.0.0.1"), NAMES)
    kept = ensure_server_certificate(ca, tmp_path, ("192.168.1.20", "127.0.0.1"), NAMES)
    assert kept.certificate.read_bytes() == home.certificate.read_bytes()
    assert kept.not_after - datetime.datetime.now(datetime.UTC) > datetime.timedelta(days=390)

    moved = ensure_server_certificate(ca, tmp_path, ("10.0.0.7", "127.0.0.1"), NAMES)
    assert ips_of(moved.certificate) == {"10.0.0.7", "127.0.0.1"}
    assert ensure_local_ca(tmp_path) == ca  # the tablets keep trusting the same authority
    issued = x509.load_pem_x509_certificate(moved.certificate.read_bytes())
    authority = x509.load_pem_x509_certificate(ca.certificate.read_bytes())
    issued.verify_directly_issued_by(authority)


def test_a_certificate_from_another_authority_is_replaced(tmp_path: Path) -> None:
    mine = ensure_local_ca(tmp_path / "mine")
    other = ensure_local_ca(tmp_path / "other")
    ensure_server_certificate(other, tmp_path / "mine", ("127.0.0.1",), NAMES)
    replaced = ensure_server_certificate(mine, tmp_path / "mine", ("127.0.0.1",), NAMES)
    issued = x509.load_pem_x509_certificate(replaced.certificate.read_bytes())
    issued.verify_directly_issued_by(x509.load_pem_x509_certificate(mine.certificate.read_bytes()))


def test_lan_addresses_are_the_given_one_or_every_non_loopback_ipv4() -> None:
    assert lan_addresses("192.168.1.20") == ("192.168.1.20",)
    every = lan_addresses(EVERY_INTERFACE)
    assert all(not ipaddress.ip_address(a).is_loopback for a in every)
    addresses, hostnames = certificate_names(EVERY_INTERFACE)
    assert "127.0.0.1" in addresses and "localhost" in hostnames
