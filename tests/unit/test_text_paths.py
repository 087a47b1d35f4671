"""A lint-level guard: every notification and every title in tui/ is built by the sanitiser.

Notifications name profiles, backup IDs and paths, which come from AWS or the user's files,
and Textual sends a notification's text to the terminal with its ESC bytes (issue 14: a
profile named `prod-\\x1b]52;c;…\\x1b\\\\` wrote the clipboard). So the source itself is read
(an AST, not a grep): `.notify(` only inside tell() (tui/widgets/safe.py), a border title only
from safe(), a screen or app title only a literal or clean(). A new message or title that
skips the sanitiser fails here before it can reach a terminal.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "tui"
#: The one module that may call notify(): tell() cleans and never passes markup.
WRAPPER = "tui/widgets/safe.py"
#: Plain-str reactives (App and Screen `title`, `sub_title`): a literal, or clean(…).
STR_TITLES = {"title", "sub_title"}
#: Textual parses a str border title as markup: safe(…), which makes a literal Text.
BORDER_TITLES = {"border_title", "border_subtitle"}
#: Class-level defaults for the same, by the attribute they set.
CLASS_TITLES = {
    "TITLE": "title",
    "SUB_TITLE": "sub_title",
    "BORDER_TITLE": "border_title",
    "BORDER_SUBTITLE": "border_subtitle",
}
#: Ways to make a toast without notify().
TOAST_NAMES = {"Notification", "Notifications", "Toast", "ToastRack"}


def _sanitisers(tree: ast.Module) -> tuple[set[str], set[str]]:
    """Local names bound to the real safe() and clean() by this module's imports."""
    safe: set[str] = set()
    clean: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                local = alias.asname or alias.name
                if node.module == "tui.widgets.safe" and alias.name == "safe":
                    safe.add(local)
                if node.module in ("tui.backups", "tui.backups.sanitize") and alias.name == "clean":
                    clean.add(local)
    return safe, clean


def _called(value: ast.expr, names: set[str]) -> bool:
    return (
        isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in names
    )


def _title_problem(
    attr: str, value: ast.expr | None, safe: set[str], clean: set[str]
) -> str | None:
    if attr in BORDER_TITLES:
        return None if value is not None and _called(value, safe) else f"{attr} not set to safe(…)"
    literal = isinstance(value, ast.Constant) and isinstance(value.value, str)
    if value is not None and (literal or _called(value, clean)):
        return None
    return f"{attr} not set to a literal or clean(…)"


def problems(source: str, path: str) -> list[str]:
    """What in `source` (the module at `path`, relative to the checkout) skips the sanitiser."""
    tree = ast.parse(source)
    safe, clean = _sanitisers(tree)
    found: list[str] = []

    def say(node: ast.AST, what: str) -> None:
        found.append(f"{path}:{getattr(node, 'lineno', 0)}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "notify" and path != WRAPPER:
            say(node, "notify() outside tell(): use tui.widgets.safe.tell")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in ("getattr", "setattr") and len(node.args) >= 2:
                name = node.args[1]
                watched = {"notify", *STR_TITLES, *BORDER_TITLES}
                if isinstance(name, ast.Constant) and name.value in watched:
                    say(node, f"{node.func.id}(…, {name.value!r}) hides a text path")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual"):
            for alias in node.names:
                if alias.name in TOAST_NAMES:
                    say(node, f"imports {alias.name}: toasts are made by tell() only")
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for part in ast.walk(target):  # tuple targets too: `a.title, b = …`
                    attr = None
                    if isinstance(part, ast.Attribute):
                        attr = part.attr if part.attr in STR_TITLES | BORDER_TITLES else None
                    elif isinstance(part, ast.Name):
                        attr = CLASS_TITLES.get(part.id)
                    if attr is None:
                        continue
                    if isinstance(node, ast.AugAssign) or part is not target:
                        say(node, f"{attr} built in place: assign safe(…) / clean(…) whole")
                    elif (why := _title_problem(attr, node.value, safe, clean)) is not None:
                        say(node, why)
    return found


def _modules() -> list[Path]:
    """Every module that can show text: the data layer cannot (it never imports textual, a
    contract the import test checks), and its `AwsError.title` is data, not a widget's."""
    data_layer = PACKAGE / "backups"
    return sorted(p for p in PACKAGE.rglob("*.py") if data_layer not in p.parents)


def test_the_guard_reads_the_whole_package() -> None:
    paths = {p.relative_to(ROOT).as_posix() for p in _modules()}
    assert {WRAPPER, "tui/app.py", "tui/screens/main.py", "tui/screens/watcher.py"} <= paths


def test_every_notification_and_title_in_tui_goes_through_the_sanitiser() -> None:
    found = [
        problem
        for path in _modules()
        for problem in problems(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    ]
    assert found == []


GOOD = """
from tui.backups import clean
from tui.widgets.safe import safe, tell

class Screen:
    TITLE = "hsm-backups"
    BORDER_TITLE = safe("Backups")

    def on_mount(self, profile: str) -> None:
        tell(self, f"Listing with profile {profile}.", title="Profile switched")
        self.title = clean(profile)
        self.sub_title = "browse"
        self.border_title = safe(f"Export {profile}")
"""


@pytest.mark.parametrize(
    ("source", "complaint"),
    [
        ("self.notify(f'switched to {profile}', markup=False)", "notify() outside tell()"),
        ("self.app.notify(message)", "notify() outside tell()"),
        ("say = self.notify", "notify() outside tell()"),
        ("getattr(self, 'notify')(text)", "hides a text path"),
        ("setattr(box, 'border_title', name)", "hides a text path"),
        ("from textual.notifications import Notification", "imports Notification"),
        ("from textual.widgets._toast import Toast", "imports Toast"),
        ("box.border_title = f'Export {name}'", "border_title not set to safe"),
        ("box.border_subtitle = hint()", "border_subtitle not set to safe"),
        ("box.border_title = clean(name)", "border_title not set to safe"),
        ("self.title = profile", "title not set to a literal or clean"),
        ("self.sub_title = f'profile {profile}'", "sub_title not set to a literal or clean"),
        ("self.title += clean(profile)", "built in place"),
        ("self.title, x = clean(a), 1", "built in place"),
        ("class S:\n    SUB_TITLE = PROFILE", "sub_title not set to a literal or clean"),
        ("class S:\n    BORDER_TITLE = 'Backups'", "border_title not set to safe"),
        # A look-alike that is not the real sanitiser does not count.
        ("def safe(x):\n    return x\nbox.border_title = safe(name)", "not set to safe"),
        ("from mylib import clean\nself.title = clean(name)", "not set to a literal or clean"),
    ],
)
def test_the_guard_finds_a_path_that_skips_the_sanitiser(source: str, complaint: str) -> None:
    found = problems(source, "tui/screens/new.py")
    assert len(found) == 1, found
    assert complaint in found[0]


def test_the_guard_lets_sanitised_text_through() -> None:
    assert problems(GOOD, "tui/screens/new.py") == []
    assert problems("app.notify(clean_multiline(m), markup=False)", WRAPPER) == []
