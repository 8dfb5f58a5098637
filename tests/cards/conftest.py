"""A fresh village per test for anything that changes cards, so the shared world stays as read."""

from __future__ import annotations

import pytest

from tests.factories import Place, World, make_place


@pytest.fixture
async def place(world: World) -> Place:
    return await make_place(world.a.town_id, with_users=False)
