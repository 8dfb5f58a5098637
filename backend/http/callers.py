"""The caller as each domain's services take it, provided by the app (Litestar dependencies).

Handlers name what they act as — ``scorer: CurrentScorer`` (the caller's roles in the path's
village, and their own household), ``actor: CurrentActor`` (who the ledger and the audit log
name) — instead of converting the principal by hand in every handler."""

from __future__ import annotations

from litestar.di import NamedDependency

from backend.audit.services import Actor
from backend.auth.principal import actor_of
from backend.http.access import CurrentPrincipal
from backend.http.input import PathId
from backend.registry import services as registry
from backend.scoring.evaluations import Scorer


async def provide_scorer(principal: CurrentPrincipal, village_id: PathId) -> Scorer:
    """The caller's roles in this village, and the household their villager grant names."""
    town_id = await registry.town_of_village(village_id) or 0
    return Scorer(
        user_id=principal.user_id,
        name=principal.name,
        roles=frozenset(r.value for r in principal.roles_in(village_id, town_id)),
        household_id=principal.household_in(village_id),
        address=principal.address,
    )


def provide_actor(principal: CurrentPrincipal) -> Actor:
    return actor_of(principal)


CurrentScorer = NamedDependency[Scorer]
"""``scorer: CurrentScorer``: only on routes under ``/villages/{village_id}``."""

CurrentActor = NamedDependency[Actor]
