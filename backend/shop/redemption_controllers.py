"""HTTP for the kiosk: scan a customer, sell, print the receipt, void; and the settlement."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import JSONBody, Parameter

from backend import clock
from backend.auth.principal import Role
from backend.http.access import allow, shop_staff
from backend.http.callers import CurrentActor
from backend.http.input import IdempotencyKey, PathId, require_idempotency_key
from backend.shop import redemption_services, today
from backend.shop import schemas as s
from backend.shop.settlement import settlement, settlement_xlsx

SELLERS = (Role.shopkeeper, Role.committee)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RedemptionController(Controller):
    path = "/villages/{village_id:int}/shops/{shop_id:int}"
    tags = ["shop"]
    guards = [shop_staff]

    @post("/scan", status_code=200, **allow(*SELLERS))
    async def scan(
        self,
        village_id: PathId,
        shop_id: PathId,
        data: JSONBody[s.Scan],
    ) -> s.Customer:
        return msgspec.convert(
            await redemption_services.customer(village_id, shop_id, data.code),
            s.Customer,
            from_attributes=True,
        )

    @post("/redemptions", **allow(*SELLERS))
    async def redeem(
        self,
        village_id: PathId,
        shop_id: PathId,
        data: JSONBody[s.RedemptionCreate],
        actor: CurrentActor,
        idempotency_key: IdempotencyKey = None,
    ) -> s.Receipt:
        lines = [
            redemption_services.Line(line.product_id, line.quantity, line.price)
            for line in data.lines
        ]
        receipt = await redemption_services.redeem(
            actor,
            village_id,
            shop_id,
            data.code,
            lines,
            key=require_idempotency_key(idempotency_key),
            pin=data.pin,
        )
        return msgspec.convert(receipt, s.Receipt, from_attributes=True)

    @get("/redemptions", **allow(*SELLERS, Role.town_admin))
    async def todays_sales(self, village_id: PathId, shop_id: PathId) -> list[s.TodaysSale]:
        """Today's sales at this shop, newest first: for reprinting and voiding at the till."""
        return msgspec.convert(
            await today.todays_sales(village_id, shop_id), list[s.TodaysSale], from_attributes=True
        )

    @get("/redemptions/{redemption_id:int}", **allow(*SELLERS, Role.town_admin))
    async def get_receipt(
        self,
        village_id: PathId,
        shop_id: PathId,
        redemption_id: PathId,
    ) -> s.Receipt:
        return msgspec.convert(
            await redemption_services.receipt(village_id, shop_id, redemption_id),
            s.Receipt,
            from_attributes=True,
        )

    @post("/redemptions/{redemption_id:int}/void", status_code=200, **allow(*SELLERS))
    async def void(
        self,
        village_id: PathId,
        shop_id: PathId,
        redemption_id: PathId,
        data: JSONBody[s.Void],
        actor: CurrentActor,
        idempotency_key: IdempotencyKey = None,
    ) -> s.Receipt:
        """Void a sale; with an Idempotency-Key a retry gets the first void's answer."""
        receipt = await redemption_services.void(
            actor,
            village_id,
            shop_id,
            redemption_id,
            data.reason,
            key=idempotency_key,
        )
        return msgspec.convert(receipt, s.Receipt, from_attributes=True)

    @get("/settlement", **allow(*SELLERS, Role.town_admin), media_type=XLSX)
    async def settlement_sheet(
        self,
        village_id: PathId,
        shop_id: PathId,
        year: Annotated[int | None, Parameter(ge=2020, le=2100)] = None,
        month: Annotated[int | None, Parameter(ge=1, le=12)] = None,
    ) -> Response[bytes]:
        """The month's settlement (this month unless ``year`` and ``month`` are given)."""
        today = clock.local_now()
        year, month = year or today.year, month or today.month
        report = await settlement(village_id, shop_id, year, month)
        name = f"settlement-{shop_id}-{year}-{month:02d}.xlsx"
        return Response(
            settlement_xlsx(report),
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
