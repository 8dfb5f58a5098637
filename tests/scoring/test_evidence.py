"""Evidence photos: only real JPEG/PNG/WebP images, stored without EXIF (GPS!), committee-only."""

from __future__ import annotations

import io

from httpx import AsyncClient
from PIL import Image

from backend.auth.principal import Role
from tests.scoring.conftest import Village, open_period

GPS_IFD = 0x8825


def phone_photo() -> bytes:
    """A JPEG like a phone's: camera make and the GPS position of the house in its EXIF."""
    exif = Image.Exif()
    exif[0x010F] = "Xiaomi"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (36.0, 30.0, 12.0), 3: "E", 4: (113.0, 23.0, 5.0)})
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), "seagreen").save(out, format="JPEG", exif=exif)
    return out.getvalue()


async def test_a_photo_loses_its_gps_and_gets_a_thumbnail(
    client: AsyncClient, village: Village
) -> None:
    original = phone_photo()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    period_id = await open_period(client, village)
    response = await client.post(
        village.url(f"/periods/{period_id}/evaluations/with-evidence"),
        headers=village.headers(Role.grid_officer),
        data={
            "household_id": str(village.place.households[1].id),
            "rule_id": str(village.rules["ZY01"]),
            "note": "参加村道清扫",
        },
        files={"photo": ("IMG_0001.jpg", original, "image/jpeg")},
    )
    assert response.status_code == 201, response.text
    evaluation = response.json()
    assert evaluation["has_evidence"] is True and evaluation["note"] == "参加村道清扫"

    url = village.url(f"/evaluations/{evaluation['id']}/evidence")
    stored = await client.get(url, headers=village.headers(Role.committee))
    assert stored.status_code == 200 and stored.headers["content-type"] == "image/jpeg"
    image = Image.open(io.BytesIO(stored.content))
    assert image.size == (1200, 900)
    assert len(image.getexif()) == 0 and "exif" not in image.info
    assert b"Xiaomi" not in stored.content
    thumb = await client.get(url + "?thumbnail=true", headers=village.headers(Role.town_admin))
    assert max(Image.open(io.BytesIO(thumb.content)).size) <= 320

    for role in (Role.grid_officer, Role.villager, Role.shopkeeper):
        assert (await client.get(url, headers=village.headers(role))).status_code == 403


async def test_files_that_are_not_photos_are_refused(client: AsyncClient, village: Village) -> None:
    period_id = await open_period(client, village)
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    truncated = phone_photo()[:2000]
    for name, body in (
        ("fake.jpg", b"not an image at all"),
        ("a.gif", gif.getvalue()),
        ("cut.jpg", truncated),
    ):
        response = await client.post(
            village.url(f"/periods/{period_id}/evaluations/with-evidence"),
            headers=village.headers(Role.committee),
            data={
                "household_id": str(village.place.households[1].id),
                "rule_id": str(village.rules["ZY01"]),
            },
            files={"photo": (name, body, "image/jpeg")},
        )
        assert response.status_code == 422, name
        assert response.json()["code"] == "bad_evidence"
    listed = await client.get(
        village.url(f"/periods/{period_id}/evaluations"), headers=village.headers(Role.committee)
    )
    assert listed.json() == []
