"""``jifen setup`` with its answers on standard input: what it refuses, and that it writes
nothing when it refuses. (What the township it builds then does, in Chromium:
tests/e2e/test_setup_township.py.)"""

from __future__ import annotations

import os
from pathlib import Path

from backend.registry.tables import Town
from backend.settings import get_settings
from tests.factories import World
from tests.registry.test_roster import GOOD, roster_xlsx
from tests.setup.township import EmptyDatabase, township_answers


async def test_setup_refuses_a_database_that_has_data_and_writes_nothing(world: World) -> None:
    settings = get_settings()
    full = EmptyDatabase(
        {
            **os.environ,
            "JIFEN_DATABASE_URL": settings.database_url,
            "JIFEN_REDIS_URL": settings.redis_url,
            "JIFEN_SECRET_KEY": settings.secret_key,
        }
    )
    towns = await Town.count().run()
    refused = full.jifen("setup", answers=township_answers())
    assert refused.returncode == 1
    assert "已经有数据" in refused.stdout and "jifen setup 只在空数据库上运行" in refused.stdout
    assert "镇的名称" not in refused.stdout  # refused before the first question
    in_english = full.jifen("setup", answers=township_answers(), language="en")
    assert in_english.returncode == 1
    assert "runs only on an empty one" in in_english.stdout
    assert await Town.count().run() == towns


def test_a_wrong_answer_on_stdin_stops_before_anything_is_written(
    empty_database: EmptyDatabase,
) -> None:
    wrong = township_answers().replace("\nhjz\n", "\n洪井\n", 1)
    stopped = empty_database.jifen("setup", answers=wrong)
    assert stopped.returncode == 1
    assert "大写字母" in stopped.stdout
    cut_short = empty_database.jifen("setup", answers="洪井镇\nHJZ\nXHX\n")
    assert cut_short.returncode == 1 and "没有更多回答了" in cut_short.stdout
    declined = empty_database.jifen("setup", answers=township_answers().replace("\ny\n", "\nn\n"))
    assert declined.returncode == 1 and "什么也没有写入" in declined.stdout
    built = empty_database.jifen("setup", answers=township_answers())
    assert built.returncode == 0, built.stdout + built.stderr
    assert "洪井镇 已建好" in built.stdout


def test_after_setup_the_demo_and_a_second_setup_are_refused(
    empty_database: EmptyDatabase,
) -> None:
    built = empty_database.jifen("setup", answers=township_answers())
    assert built.returncode == 0, built.stdout + built.stderr
    assert "JIFEN_PUBLIC_URL=" in built.stdout and "/console.html" in built.stdout
    again = empty_database.jifen("setup", answers=township_answers())
    assert again.returncode == 1 and "已经有数据" in again.stdout
    demo = empty_database.jifen("demo")
    assert demo.returncode == 1 and "不能载入演示数据" in demo.stdout
    # scripts/serve asks for the demo on every start: on a set-up township it just goes on.
    serving = empty_database.jifen("demo", "--if-empty")
    assert serving.returncode == 0 and "不能载入演示数据" in serving.stdout


def test_setup_speaks_english_when_asked(empty_database: EmptyDatabase) -> None:
    built = empty_database.jifen("setup", answers=township_answers(), language="en")
    assert built.returncode == 0, built.stdout + built.stderr
    assert "Town name" in built.stdout and "Set up: 洪井镇 is ready." in built.stdout


def test_a_village_roster_comes_in_with_the_township_or_nothing_does(
    empty_database: EmptyDatabase, tmp_path: Path
) -> None:
    bad = tmp_path / "bad-roster.xlsx"
    bad.write_bytes(roster_xlsx(*GOOD, ["R-004", "", "", "", "", "", "也许", ""]))
    refused = empty_database.jifen("setup", answers=township_answers(roster=str(bad)))
    assert refused.returncode == 1
    assert "B7" in refused.stdout and "G7" in refused.stdout  # every bad cell, by its place
    assert "已建好" not in refused.stdout
    good = tmp_path / "roster.xlsx"
    good.write_bytes(roster_xlsx(*GOOD))
    built = empty_database.jifen("setup", answers=township_answers(roster=str(good)))
    assert built.returncode == 0, built.stdout + built.stderr  # the refusal left nothing
    assert "XHX：从户籍名单导入了 3 户" in built.stdout
