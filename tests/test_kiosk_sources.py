"""The pages' source rules a reviewer would otherwise have to remember: the DOM helpers are
written once (kiosk/js/dom.js), the counter pages' full-screen box once (kiosk/js/overlay.js),
and no Chinese words are written into code outside the word lists (the *-text.js files,
console/text.js and i18n.js), so an English page never shows a stray Chinese word."""

from __future__ import annotations

import re
from pathlib import Path

KIOSK = Path(__file__).resolve().parent.parent / "kiosk"
SCRIPTS = sorted(p for p in (KIOSK / "js").rglob("*.js"))
WORD_LISTS = {"i18n.js", "text.js"}
IDEOGRAPH = re.compile(r"[\u4e00-\u9fff]")
COMMENT = re.compile(r"(^|\s)//.*$")
# Not words shown to anyone: matched against the village's own data, which is Chinese.
DATA_MATCHES = {("console/cross.js", 'r.title.includes("评议")')}


def _name(path: Path) -> str:
    return path.relative_to(KIOSK / "js").as_posix()


def _code_lines(path: Path) -> list[tuple[int, str]]:
    return [
        (n, COMMENT.sub("", line))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
    ]


def test_each_dom_helper_is_defined_once_in_dom_js() -> None:
    definitions = {
        "$": re.compile(r"const \$ =|function \$\("),
        "el": re.compile(r"function el\(|const el ="),
        "getElementById(id)": re.compile(r"=>\s*document\.getElementById\(id\)"),
    }
    for helper, pattern in definitions.items():
        found = [_name(p) for p in SCRIPTS for _, line in _code_lines(p) if pattern.search(line)]
        assert found == ["dom.js"], f"{helper} is defined in {found}: import it from dom.js"


def test_the_counter_box_is_built_once() -> None:
    pages = [
        p.name for p in KIOSK.glob("*.html") if 'id="overlay"' in p.read_text(encoding="utf-8")
    ]
    assert pages == [], f"the box is built by kiosk/js/overlay.js, not copied into {pages}"
    builders = [_name(p) for p in SCRIPTS if 'id: "overlay"' in p.read_text(encoding="utf-8")]
    assert builders == ["overlay.js"]


def test_no_chinese_words_in_code_outside_the_word_lists() -> None:
    stray = []
    for path in SCRIPTS:
        if path.name in WORD_LISTS or path.name.endswith("-text.js"):
            continue
        for n, line in _code_lines(path):
            if IDEOGRAPH.search(line) and not any(
                _name(path) == name and snippet in line for name, snippet in DATA_MATCHES
            ):
                stray.append(f"kiosk/js/{_name(path)}:{n}: {line.strip()}")
    assert stray == [], "move these words into the page's word list:\n" + "\n".join(stray)
