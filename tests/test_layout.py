"""The layout stays readable: no module of the bot over ~300 lines, and every button's callback
data written and read in one place, handlers/callbacks.py (the citizens' families and the
codecs) and handlers/staff_callbacks.py (the staff's): no prefix as a literal anywhere else."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from handlers import callbacks, staff_callbacks

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "storage", "locales")
MOST_LINES = 310
"""About 300: a module a reader takes in at once."""
MODULES = sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))
BUTTON_MODULES = (callbacks, staff_callbacks)
PREFIXES = sorted(value.prefix for module in BUTTON_MODULES for value in vars(module).values()
                  if isinstance(value, callbacks.Family))


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_module_is_over_about_300_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MOST_LINES, f"{_name(path)} has {lines} lines: split it by what it is about"


def test_the_button_families_are_found() -> None:
    assert len(PREFIXES) > 30
    assert "b:" in PREFIXES
    assert "op:a:ok:" in PREFIXES


@pytest.mark.parametrize(
    "path", [p for p in MODULES if p not in {Path(str(m.__file__)) for m in BUTTON_MODULES}],
    ids=_name)
def test_no_callback_prefix_outside_the_button_modules(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    literals = [node.value for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    found = [(text, prefix) for text in literals for prefix in PREFIXES
             if text.startswith(prefix) and len(text) < 80]
    assert not found, f"{_name(path)} writes callback data itself: {found}"
