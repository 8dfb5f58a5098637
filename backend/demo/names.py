"""Plausible Chinese names for demo households (a seeded draw, so every demo is the same)."""

from __future__ import annotations

import random

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋"
    "郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
)
GIVEN = [
    "建国",
    "建军",
    "国强",
    "志刚",
    "秀英",
    "桂兰",
    "玉梅",
    "淑珍",
    "海燕",
    "文明",
    "长春",
    "福生",
    "金花",
    "春梅",
    "永红",
    "立新",
    "卫东",
    "德胜",
    "宝山",
    "翠花",
    "红霞",
    "俊杰",
    "丽娟",
    "晓东",
    "明亮",
    "小平",
    "保国",
    "来福",
    "凤英",
    "秀兰",
    "双喜",
    "满仓",
    "学军",
    "爱华",
    "振华",
    "兰芳",
]
RELATIONS = ["配偶", "儿子", "女儿", "儿媳", "孙子", "孙女", "母亲", "父亲"]


def person(rng: random.Random, surname: str | None = None) -> str:
    return (surname or rng.choice(SURNAMES)) + rng.choice(GIVEN)


def family(rng: random.Random) -> tuple[str, list[dict[str, str]]]:
    """A head of household and two to four members sharing (mostly) the surname."""
    surname = rng.choice(SURNAMES)
    head = person(rng, surname)
    members = [{"name": head, "relation": "户主"}]
    for relation in rng.sample(RELATIONS, rng.randint(1, 3)):
        same = relation not in ("配偶", "儿媳", "母亲")
        members.append({"name": person(rng, surname if same else None), "relation": relation})
    return head, members
