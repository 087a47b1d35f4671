"""DetailPanel: whether the detail pane shows, in roomy and in small terminals."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widget import Widget

__all__ = ["DetailPanel"]


class DetailPanel:
    """Shows and hides the detail pane of a screen through its `-detail-hidden` class.

    Roomy terminals show the pane under the table unless `d` hid it. Small ones (the screen
    has `-narrow` or `-short`) hide it, so the table gets the rows; `d` or Enter opens it as a
    panel that takes most of the screen. Each layout remembers its own choice, so resizing
    back and forth does not undo it. A pane that Enter opened, Esc closes again.
    """

    def __init__(self, screen: Screen[Any], pane: str = "#detail", table: str = "#table") -> None:
        self.screen = screen
        self._pane = pane
        self._table = table
        #: Shown, per layout: roomy shows it by default, small hides it.
        self._shown = {False: True, True: False}
        #: True when Enter opened the pane (Esc then closes it again).
        self.by_enter = False

    @property
    def pane(self) -> Widget:
        return self.screen.query_one(self._pane)

    @property
    def table(self) -> Widget:
        return self.screen.query_one(self._table)

    @property
    def small(self) -> bool:
        return self.screen.has_class("-narrow") or self.screen.has_class("-short")

    @property
    def shown(self) -> bool:
        return self._shown[self.small]

    def layout_changed(self) -> None:
        """The screen became small or roomy: apply that layout's choice.

        A pane holding the focus stays open, rather than vanish under the user's keys.
        """
        if self._focus_inside():
            self._shown[self.small] = True
        self._apply()

    def toggle(self) -> None:
        """`d`: open or close the pane; the focus goes back to the table when it closes."""
        self.by_enter = False
        self._set(not self.shown)

    def open_for_enter(self) -> None:
        """Enter on a row: make sure the pane shows (it is then focused by the screen)."""
        if not self.shown:
            self.by_enter = True
            self._set(True)

    def leave(self) -> None:
        """Esc back to the table: a pane that Enter opened closes again."""
        if self.by_enter and self._focus_inside():
            self.by_enter = False
            self._set(False)

    def _focus_inside(self) -> bool:
        focused = self.screen.focused
        return focused is not None and (focused is self.pane or self.pane in focused.ancestors)

    def _set(self, shown: bool) -> None:
        if not shown and self._focus_inside():
            self.screen.set_focus(self.table)
        self._shown[self.small] = shown
        self._apply()

    def _apply(self) -> None:
        self.screen.set_class(not self.shown, "-detail-hidden")
