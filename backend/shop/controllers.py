"""HTTP for shops, the catalogue and stock."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Response, get, patch, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery, JSONBody

from backend.auth.principal import Role
from backend.errors import NotFound
from backend.heavy import run_heavy
from backend.http.access import ANY_ROLE, allow, shop_staff
from backend.http.callers import CurrentActor
from backend.http.input import PathId, given
from backend.shop import catalogue
from backend.shop import schemas as s
from backend.shop.pictures import picture_path, store_picture

SHOP_STAFF = (Role.shopkeeper, Role.committee, Role.town_admin)
PRODUCT = "/{shop_id:int}/products/{product_id:int}"


class ShopController(Controller):
    path = "/villages/{village_id:int}/shops"
    tags = ["shop"]

    @get("/", **allow(*ANY_ROLE))
    async def list_shops(self, village_id: PathId) -> list[s.Shop]:
        return msgspec.convert(
            await catalogue.shops(village_id), list[s.Shop], from_attributes=True
        )

    @post("/", **allow(Role.committee, Role.town_admin))
    async def create_shop(
        self, village_id: PathId, data: JSONBody[s.ShopCreate], actor: CurrentActor
    ) -> s.Shop:
        shop = await catalogue.create_shop(actor, village_id, data.name, data.also_serves)
        return msgspec.convert(shop, s.Shop, from_attributes=True)

    @get("/{shop_id:int}/products", **allow(*ANY_ROLE))
    async def list_products(
        self, village_id: PathId, shop_id: PathId, include_inactive: FromQuery[bool] = False
    ) -> list[s.Product]:
        products = await catalogue.products(village_id, shop_id, include_inactive=include_inactive)
        return msgspec.convert(products, list[s.Product], from_attributes=True)

    @post("/{shop_id:int}/products", **allow(*SHOP_STAFF), guards=[shop_staff])
    async def add_product(
        self,
        village_id: PathId,
        shop_id: PathId,
        data: JSONBody[s.ProductCreate],
        actor: CurrentActor,
    ) -> s.Product:
        product = await catalogue.add_product(
            actor, village_id, shop_id, msgspec.structs.asdict(data)
        )
        return msgspec.convert(product, s.Product, from_attributes=True)

    @patch(PRODUCT, **allow(*SHOP_STAFF), guards=[shop_staff])
    async def update_product(
        self,
        village_id: PathId,
        shop_id: PathId,
        product_id: PathId,
        data: JSONBody[s.ProductUpdate],
        actor: CurrentActor,
    ) -> s.Product:
        product = await catalogue.update_product(
            actor, village_id, shop_id, product_id, given(data)
        )
        return msgspec.convert(product, s.Product, from_attributes=True)

    @post(
        PRODUCT + "/picture",
        **allow(*SHOP_STAFF),
        guards=[shop_staff],
        request_max_body_size=6_000_000,
    )
    async def upload_picture(
        self,
        village_id: PathId,
        shop_id: PathId,
        product_id: PathId,
        actor: CurrentActor,
        data: Annotated[UploadFile, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> s.Product:
        name = await run_heavy(store_picture, await data.read())
        product = await catalogue.update_product(
            actor, village_id, shop_id, product_id, {"picture": name}
        )
        return msgspec.convert(product, s.Product, from_attributes=True)

    @get(PRODUCT + "/picture", **allow(*ANY_ROLE), media_type="image/jpeg")
    async def picture(
        self,
        village_id: PathId,
        shop_id: PathId,
        product_id: PathId,
        thumbnail: FromQuery[bool] = True,
    ) -> Response[bytes]:
        name = await catalogue.picture_name(village_id, shop_id, product_id)
        path = picture_path(name, thumbnail=thumbnail)
        if path is None:
            raise NotFound()
        return Response(
            path.read_bytes(),
            media_type="image/jpeg",
            headers={"Cache-Control": "private, max-age=3600"},
        )

    @post(PRODUCT + "/restock", **allow(*SHOP_STAFF), guards=[shop_staff])
    async def restock(
        self,
        village_id: PathId,
        shop_id: PathId,
        product_id: PathId,
        data: JSONBody[s.Restock],
        actor: CurrentActor,
    ) -> s.Product:
        value_fen = None if data.value_yuan is None else round(data.value_yuan * 100)
        product = await catalogue.restock(
            actor,
            village_id,
            shop_id,
            product_id,
            data.quantity,
            data.donor,
            value_fen,
        )
        return msgspec.convert(product, s.Product, from_attributes=True)

    @post(PRODUCT + "/write-off", **allow(*SHOP_STAFF), guards=[shop_staff])
    async def write_off(
        self,
        village_id: PathId,
        shop_id: PathId,
        product_id: PathId,
        data: JSONBody[s.WriteOff],
        actor: CurrentActor,
    ) -> s.Product:
        product = await catalogue.write_off(
            actor, village_id, shop_id, product_id, data.quantity, data.reason
        )
        return msgspec.convert(product, s.Product, from_attributes=True)

    @get(PRODUCT + "/movements", **allow(*SHOP_STAFF), guards=[shop_staff])
    async def movements(
        self, village_id: PathId, shop_id: PathId, product_id: PathId
    ) -> list[s.StockMovement]:
        movements = await catalogue.movements(village_id, shop_id, product_id)
        return msgspec.convert(movements, list[s.StockMovement], from_attributes=True)
