"""``jifen setup`` at a real terminal (a pseudo-terminal that is the command's controlling
terminal): a wrong answer is explained and asked again, passwords are not echoed and are asked
twice."""

from __future__ import annotations

import codecs
import os
import pty
import select
import sys
import time
from collections.abc import Callable

from tests.factories import PASSWORD
from tests.setup.township import EmptyDatabase

TIMEOUT_SECONDS = 120


class Terminal:
    """The command on a pseudo-terminal: type a line once a question shows."""

    def __init__(self, env: dict[str, str]) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # the child: the pty is its controlling terminal
            os.execve(sys.executable, [sys.executable, "-m", "backend", "setup"], env)  # noqa: S606
        self.pid, self.fd, self.seen, self.transcript = pid, fd, "", ""
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")  # chunks split characters

    def _read_until(self, done: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while not done():
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"never saw {what!r} in:\n{self.seen}"
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                assert chunk, f"ended before {what!r}:\n{self.seen}"
                decoded = self.decoder.decode(chunk)
                self.seen += decoded
                self.transcript += decoded

    def wait_for(self, text: str) -> None:
        self._read_until(lambda: text in self.seen, text)

    def answer(self, question: str, line: str) -> None:
        """Type ``line`` once ``question`` is the prompt waiting for input (the output ends
        with its ": "): typed earlier, a password would be flushed by getpass's switch to no
        echo, and a refusal repeats the question's words."""
        self._read_until(lambda: question in self.seen and self.seen.endswith(": "), question)
        self.seen = ""
        os.write(self.fd, line.encode() + b"\r")

    def exit_code(self) -> int:
        try:
            while os.read(self.fd, 4096):
                pass
        except OSError:
            pass
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)


def test_at_a_terminal_wrong_answers_are_asked_again_and_passwords_stay_hidden(
    empty_database: EmptyDatabase,
) -> None:
    term = Terminal({**empty_database.env, "JIFEN_LANGUAGE": "zh-CN", "TERM": "dumb"})
    term.answer("镇的名称", "洪井镇")
    term.answer("镇的编号", "洪井")
    term.wait_for("大写字母开头")
    term.answer("镇的编号", "HJZ")
    term.answer("第 1 个村的编号", "")
    term.wait_for("至少要有一个村")
    term.answer("第 1 个村的编号", "XHX")
    term.answer("村的名称", "西黄须村")
    term.answer("网格", "一网格")
    term.answer("道德小组", "")
    term.answer("户籍名单", "/no/such/roster.xlsx")
    term.wait_for("找不到这个文件")
    term.answer("户籍名单", "")
    term.answer("第 2 个村的编号", "")
    term.answer("用户名", "hjz_admin")
    term.answer("姓名", "张镇长")
    term.answer("  密码", "short")
    term.wait_for("密码至少需要")
    term.answer("  密码", PASSWORD)
    term.answer("再输入一次密码", PASSWORD + "x")
    term.wait_for("两次密码不一样")
    term.answer("  密码", PASSWORD)
    term.answer("再输入一次密码", PASSWORD)
    term.answer("用户名", "xhx_committee")
    term.answer("姓名", "李村委")
    term.answer("  密码", PASSWORD)
    term.answer("再输入一次密码", PASSWORD)
    term.answer("用户名", "")
    term.answer("用户名", "")  # no shopkeeper yet
    term.answer("二维码用的地址", "")
    term.answer("确认创建", "y")
    term.wait_for("洪井镇 已建好")
    assert PASSWORD not in term.transcript and "short" not in term.transcript
    assert term.exit_code() == 0
