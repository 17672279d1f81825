"""The clipboard helper says honestly whether the desktop clipboard took the text."""

from __future__ import annotations

import subprocess
import sys
import threading

from console.system.clipboard import copy_to_desktop, describe


def test_copied_when_the_copier_returns() -> None:
    seen: list[str] = []
    result = copy_to_desktop("hello", copier=seen.append)
    assert result.copied and seen == ["hello"]
    assert describe(result, "Report", "/tmp/r.md") == (
        "Report copied to the clipboard. Saved file: /tmp/r.md"
    )


def test_failure_is_reported_not_raised() -> None:
    def broken(_: str) -> None:
        raise RuntimeError("could not find a copy/paste mechanism")

    result = copy_to_desktop("x", copier=broken)
    assert not result.copied and "copy/paste mechanism" in result.detail
    message = describe(result, "Report", "/tmp/r.md")
    assert "sent to the terminal" in message and "unconfirmed" in message
    assert message.endswith("Saved file: /tmp/r.md")


def test_a_hanging_clipboard_is_given_up_on() -> None:
    release = threading.Event()
    result = copy_to_desktop("x", copier=lambda _: release.wait(30) and None, timeout=0.05)
    release.set()
    assert not result.copied and "did not answer" in result.detail


def test_never_imports_textual() -> None:
    code = (
        "import console.system.clipboard, console.report.build, console.session.carry_over, sys; "
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
