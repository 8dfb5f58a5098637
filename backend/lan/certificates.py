"""The local certificate authority and the server certificate it signs, with ``cryptography``.

A tablet's camera works only in a secure context, so the kiosk on the LAN needs HTTPS, and a
village has no public domain for a public certificate. Jifen makes one small certificate
authority of its own, once, under ``var/lan/``: each tablet installs its certificate once
(the page ``/lan.html`` says how), and from then on trusts whatever server certificate the
authority signs. The server certificate names the PC's LAN addresses; when they change (a new
router, DHCP) or it nears its end, a new one is signed from the same authority, and no tablet
has to do anything again.

The keys are ECDSA P-256 (every Android and iPad accepts them). The server certificate lives
397 days: Apple devices refuse longer-lived server certificates. The authority may sign server
certificates only (path length 0) and lives ten years.
"""

from __future__ import annotations

import datetime
import ipaddress
import socket
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_DAYS = 3650
SERVER_DAYS = 397
RENEW_BEFORE_DAYS = 30
CA_FILE, CA_KEY_FILE = "ca.crt", "ca.key"
SERVER_FILE, SERVER_KEY_FILE = "server.crt", "server.key"


@dataclass(frozen=True, slots=True)
class LocalCA:
    """The deployment's own certificate authority.

    Attributes:
        certificate: the PEM file the tablets install (``var/lan/ca.crt``).
        key: its private key, readable by the server's user only; it never leaves ``var/``.
        fingerprint: SHA-256 of the certificate, as the tablets' settings show it
            (``AB:CD:…``), to compare on the tablet with what the terminal printed.
        name: the authority's name as a tablet lists it among trusted certificates.
    """

    certificate: Path
    key: Path
    fingerprint: str
    name: str


@dataclass(frozen=True, slots=True)
class ServerCertificate:
    """The HTTPS certificate uvicorn serves, signed by :class:`LocalCA`.

    Attributes:
        certificate, key: the PEM files given to uvicorn.
        addresses: the IP addresses it is valid for; host names: ``hostnames``.
        not_after: when it ends (it is renewed a month before).
    """

    certificate: Path
    key: Path
    addresses: tuple[str, ...]
    hostnames: tuple[str, ...]
    not_after: datetime.datetime


def _now() -> datetime.datetime:
    """The wall clock, not backend.clock: the tablets that check these certificates do."""
    return datetime.datetime.now(datetime.UTC)


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def fingerprint_of(certificate: x509.Certificate) -> str:
    return ":".join(f"{byte:02X}" for byte in certificate.fingerprint(hashes.SHA256()))


def _described(folder: Path, certificate: x509.Certificate) -> LocalCA:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return LocalCA(
        certificate=folder / CA_FILE,
        key=folder / CA_KEY_FILE,
        fingerprint=fingerprint_of(certificate),
        name=str(names[0].value) if names else "",
    )


def load_local_ca(folder: Path) -> LocalCA | None:
    """The authority made before, or None when ``jifen serve --lan`` never ran here."""
    path = folder / CA_FILE
    if not (path.exists() and (folder / CA_KEY_FILE).exists()):
        return None
    return _described(folder, x509.load_pem_x509_certificate(path.read_bytes()))


def ensure_local_ca(folder: Path) -> LocalCA:
    """The authority under ``folder``, made on first use and never replaced afterwards (a new
    one would make every tablet install a certificate again)."""
    existing = load_local_ca(folder)
    if existing is not None:
        return existing
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"Jifen 积分 本地证书 {socket.gethostname()}"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Jifen"),
        ]
    )
    now = _now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_key(folder / CA_KEY_FILE, key)
    (folder / CA_FILE).write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return _described(folder, certificate)


def _still_good(
    path: Path, addresses: tuple[str, ...], hostnames: tuple[str, ...], ca: x509.Certificate
) -> datetime.datetime | None:
    """The end date of the certificate at ``path`` if it is signed by ``ca``, names every
    address and host name wanted, and has more than a month to live."""
    if not path.exists():
        return None
    certificate = x509.load_pem_x509_certificate(path.read_bytes())
    try:
        # The signature, not the issuer's name: a second authority made on the same PC (var/
        # copied from elsewhere, or made anew) has the same name.
        certificate.verify_directly_issued_by(ca)
    except (InvalidSignature, ValueError, TypeError):
        return None
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    have_ips = {str(ip) for ip in names.get_values_for_type(x509.IPAddress)}
    have_dns = set(names.get_values_for_type(x509.DNSName))
    end = certificate.not_valid_after_utc
    if end - _now() < datetime.timedelta(days=RENEW_BEFORE_DAYS):
        return None
    if not (set(addresses) <= have_ips and set(hostnames) <= have_dns):
        return None
    return end


def ensure_server_certificate(
    ca: LocalCA, folder: Path, addresses: tuple[str, ...], hostnames: tuple[str, ...]
) -> ServerCertificate:
    """A server certificate from ``ca`` valid for every address and host name given: the one
    on disk if it still is, else a new one (a new key too) over it."""
    ca_certificate = x509.load_pem_x509_certificate(ca.certificate.read_bytes())
    path, key_path = folder / SERVER_FILE, folder / SERVER_KEY_FILE
    end = _still_good(path, addresses, hostnames, ca_certificate) if key_path.exists() else None
    if end is not None:
        return ServerCertificate(path, key_path, addresses, hostnames, end)
    ca_key = serialization.load_pem_private_key(ca.key.read_bytes(), password=None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    key = ec.generate_private_key(ec.SECP256R1())
    now = _now()
    end = now + datetime.timedelta(days=SERVER_DAYS)
    alternative = [x509.DNSName(name) for name in hostnames] + [
        x509.IPAddress(ipaddress.ip_address(address)) for address in addresses
    ]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(
                        NameOID.COMMON_NAME, addresses[0] if addresses else hostnames[0]
                    )
                ]
            )
        )
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=False,
                crl_sign=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(alternative), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    _write_key(key_path, key)
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return ServerCertificate(path, key_path, addresses, hostnames, end)
