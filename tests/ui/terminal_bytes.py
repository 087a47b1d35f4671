"""What the app sends to the terminal, in a Pilot test: every frame and every direct write.

The headless driver drops what it is given, so the bytes are taken where the real driver would
get them: each compositor update the screen hands App._display is turned into its terminal
bytes (`render_segments`, as _display does), and driver.write (the clipboard's OSC 52, the
bell) is recorded as it is called. The test then checks the stream as a terminal would read
it: only the sequences the app itself makes, and nothing from the data.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field

from rich.console import RenderableType
from textual._compositor import CompositorUpdate
from textual.screen import Screen

from tui.app import HsmBackupsApp

#: The sequences a frame is made of: SGR (colours, bold…) and cursor positioning. Anything else
#: in a frame (an OSC, a DCS, ST, a CSI that clears, reports or moves otherwise) is not drawing.
_FRAME_SEQUENCE = re.compile(r"\x1b\[[0-9;:]*[mH]")
#: What the app writes by itself: the clipboard (OSC 52 ending in BEL) and the pointer shape.
_CLIPBOARD = re.compile(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07")
_POINTER = re.compile(r"\x1b\]22;[a-z-]+\x07")
#: What must never be left once the app's own sequences are taken out: ESC, BEL, every other
#: C0 control but the line feed, DEL and every C1 control (U+0080–009F, as UTF-8 sends them).
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


@dataclass
class TerminalBytes:
    """The app's output, as two streams: frames (drawing) and direct writes (clipboard)."""

    frames: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, app: HsmBackupsApp) -> TerminalBytes:
        """Record `app`'s frames from its first one; call before run_test."""
        recorded = cls()
        display = app._display

        def recording(screen: Screen[object], renderable: RenderableType | None) -> None:
            if isinstance(renderable, CompositorUpdate):
                recorded.frames.append(renderable.render_segments(app.console))
            display(screen, renderable)

        app._display = recording  # type: ignore[method-assign]
        return recorded

    def watch_writes(self, app: HsmBackupsApp) -> None:
        """Record driver.write too (the driver exists once run_test has started)."""
        driver = app._driver
        assert driver is not None
        write = driver.write

        def recording(data: str) -> None:
            self.writes.append(data)
            write(data)

        driver.write = recording  # type: ignore[method-assign]

    def copied(self) -> list[str]:
        """The text of every clipboard sequence written, decoded."""
        return [
            base64.b64decode(m.group(1)).decode("utf-8")
            for m in _CLIPBOARD.finditer("".join(self.writes))
        ]

    def problems(self) -> list[str]:
        """Whatever in the output a terminal would act on that the app did not mean to send."""
        found: list[str] = []
        for n, frame in enumerate(self.frames):
            rest = _FRAME_SEQUENCE.sub("", frame)
            for m in _CONTROL.finditer(rest):
                found.append(f"frame {n}: {rest[max(0, m.start() - 30) : m.end() + 30]!r}")
        for n, data in enumerate(self.writes):
            rest = _POINTER.sub("", _CLIPBOARD.sub("", data))
            if _CONTROL.search(rest):
                found.append(f"write {n}: {data!r}")
        for text in self.copied():
            if _CONTROL.search(text.replace("\n", "")):
                found.append(f"copied: {text!r}")
        return found
