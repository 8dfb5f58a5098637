"""``/lan/ca.crt`` and ``/lan/ca.json``: the local authority's certificate and what the page
``/lan.html`` shows about it, served on HTTPS and on the plain-HTTP port alike (a tablet has to
fetch the certificate before it can trust HTTPS)."""

from __future__ import annotations

import msgspec
from litestar import Response, Router, get

from backend.http.access import PUBLIC
from backend.lan.certificates import LocalCA, load_local_ca
from backend.lan.errors import NoLocalCA
from backend.settings import get_settings

CA_DOWNLOAD_NAME = "jifen-ca.crt"
# The type iPadOS and Android hand to their certificate installer.
CA_MEDIA_TYPE = "application/x-x509-ca-cert"


class LocalCAFacts(msgspec.Struct, kw_only=True):
    """What a tablet's owner compares before trusting the certificate, and where to go next."""

    name: str
    fingerprint: str
    https_port: int
    download: str


def local_ca() -> LocalCA:
    ca = load_local_ca(get_settings().var_dir / "lan")
    if ca is None:
        raise NoLocalCA()
    return ca


@get("/ca.crt", tags=["lan"], media_type=CA_MEDIA_TYPE, **PUBLIC)
async def ca_certificate() -> Response[bytes]:
    """The local authority's certificate (PEM), to install once on each tablet."""
    return Response(
        local_ca().certificate.read_bytes(),
        media_type=CA_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{CA_DOWNLOAD_NAME}"'},
    )


@get("/ca.json", tags=["lan"], **PUBLIC)
async def ca_facts() -> LocalCAFacts:
    """The authority's name and SHA-256 fingerprint, and the HTTPS port to open afterwards."""
    ca = local_ca()
    return LocalCAFacts(
        name=ca.name,
        fingerprint=ca.fingerprint,
        https_port=get_settings().https_port,
        download="/lan/ca.crt",
    )


def lan_router() -> Router:
    return Router(path="/lan", route_handlers=[ca_certificate, ca_facts])
