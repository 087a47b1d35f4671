"""Toggles that are marked only when on.

Textual draws the same mark (X, ●) in both states and tells them apart by colour alone: on a
16-colour or no-colour terminal every box then reads as ticked.
"""

from __future__ import annotations

from textual.widgets import Checkbox, RadioButton


def _mark(button: Checkbox | RadioButton, mark: str) -> None:
    button.BUTTON_INNER = mark if button.value else " "


class Tick(Checkbox):
    """A checkbox with an X only when ticked."""

    def watch_value(self) -> None:
        _mark(self, "X")
        super().watch_value()

    def on_mount(self) -> None:
        _mark(self, "X")


class Choice(RadioButton):
    """A radio button with a dot only when chosen."""

    def watch_value(self) -> None:
        _mark(self, "●")
        super().watch_value()

    def on_mount(self) -> None:
        _mark(self, "●")
