"""LineageTree: where a backup came from (up the copy chain) and where it was copied to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.console import RenderableType
from rich.style import Style
from rich.text import Text
from rich.tree import Tree as RichTree
from textual.binding import Binding, BindingType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui.backups import Backup
from tui.timefmt import relative
from tui.widgets.fitting import shorten
from tui.widgets.safe import safe

if TYPE_CHECKING:
    from tui.backups.lineage import CopyNode, LineageNode

_STATUS = {
    "missing": ("⚠ source not found: orphaned copy", "bold"),
    "deleted": ("⚠ source deleted", "bold"),
    "denied": ("⛔ access denied in this region", "bold"),
    "not-enabled": ("region not enabled for this account", "bold"),
    "error": ("⚠ could not be read", "bold"),
    "cycle": ("⚠ copy cycle: stopped here", "bold"),
    "depth": ("… chain longer than 10 hops: stopped here", "dim"),
}


@dataclass(frozen=True, slots=True)
class NodeRef:
    """What a tree node points at: a backup in a region, so the screen can jump there."""

    region: str | None
    backup_id: str
    #: What the walk found there ("ok", "denied", "not-enabled", "error", "missing"…): a node
    #: the tree knows cannot be read is not jumped to (the jump would fail the same way).
    status: str = "ok"


def node_label(
    region: str | None,
    backup_id: str,
    backup: Backup | None,
    now: datetime,
    *,
    this: bool = False,
    status: str = "ok",
    message: str = "",
) -> Text:
    """One short line per node (the pane is narrow): marker, region, ID, state, age, status."""
    text = Text("● " if this else "", style="bold")
    text.append_text(safe(region or "?", "bold"))
    text.append(" ")
    text.append_text(safe(backup_id or "?", "bold" if this else ""))
    if backup is not None:
        text.append(" ")
        text.append_text(safe(backup.state or "?"))
        when, verb = (backup.copied, "copied") if backup.copied else (backup.created, "made")
        if when is not None:
            text.append(f" · {verb} {relative(when, now)}", style="dim")
        if backup.cluster_id:
            text.append(" · ", style="dim")
            text.append_text(safe(backup.cluster_id, "dim"))
    if status != "ok" and status in _STATUS:
        words, style = _STATUS[status]
        text.append(f"  {words}", style=style)
    if message:
        text.append("  ")
        text.append_text(safe(message, "dim"))
    return text


def chain_label(node: LineageNode, this: bool, now: datetime) -> Text:
    """The label of one node of the source chain (`this`: the backup shown)."""
    return node_label(
        node.region,
        node.backup_id,
        node.backup,
        now,
        this=this,
        status=node.status,
        message=node.message if node.status not in ("ok", "missing") else "",
    )


#: Why a node with this status is not jumped to (see NodeRef.status).
UNREADABLE = {
    "denied": "access is denied in {region}",
    "not-enabled": "{region} is not enabled for this account",
    "error": "{region} could not be read",
    "missing": "that backup is not found in {region} (an orphaned copy's source)",
}


#: Under the shown backup when the copy search found nothing.
NO_COPIES = Text("no copies found in the searched regions", style="dim")


def lineage_renderable(
    chain: Sequence[LineageNode], copies: Sequence[CopyNode] | None, now: datetime
) -> RenderableType:
    """The tree LineageTree draws, as a Rich renderable: the pane's view while not focused."""
    root = RichTree(Text(""), hide_root=True, guide_style="dim")
    parent = root
    for i, node in enumerate(chain):
        parent = parent.add(chain_label(node, i == len(chain) - 1, now))

    def add_copy(under: RichTree, copy: CopyNode) -> None:
        branch = under.add(node_label(copy.region, copy.backup.backup_id, copy.backup, now))
        for child in copy.children:
            add_copy(branch, child)

    for copy in copies or ():
        add_copy(parent, copy)
    if copies is not None and not copies:
        parent.add(NO_COPIES)
    return root


class LineageTree(Tree[NodeRef]):
    """The chain from the original down to this backup, then this backup's copies below it.

    Enter (or a click) on a node posts Tree.NodeSelected with its NodeRef: the detail pane
    turns that into a jump to the node's region and backup. Labels are fitted to the width
    (no sideways scrolling): a long one drops its last parts and ends in an ellipsis, and the
    detail pane shows the highlighted one whole under the tree (`whole_label`).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # Short in the footer (80 columns must still show ? Help); the help shows the tooltip.
        Binding("enter", "select_cursor", "Jump", tooltip="Jump to this backup", id="lineage.jump"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("lineage"), id=id)
        self.show_root = False
        self.guide_depth = 3
        self.auto_expand = False
        #: The node of the backup shown: where the cursor lands when the tree gets focus.
        self.this_node: TreeNode[NodeRef] | None = None

    def show(
        self,
        chain: Sequence[LineageNode],
        copies: Sequence[CopyNode] | None,
        now: datetime,
    ) -> None:
        """Draw `chain` (oldest first, this backup last) with `copies` under the last node.

        The cursor stays on the backup it was on (a redraw comes with every clock tick and
        every region the copy search finishes), else it lands on this backup.
        """
        was_on = self.cursor_node.data if self.cursor_node is not None else None
        self.clear()
        parent: TreeNode[NodeRef] = self.root
        for i, node in enumerate(chain):
            label = chain_label(node, i == len(chain) - 1, now)
            ref = NodeRef(node.region, node.backup_id, node.status)
            parent = parent.add(label, ref, expand=True)
        self.this_node = parent if chain else None
        for copy in copies or ():
            self._add_copy(parent, copy, now)
        if copies is not None and not copies:
            parent.add_leaf(NO_COPIES)
        self._settle(self.root)
        if was_on is not None or self.has_focus:
            self._place_cursor(was_on)

    def _place_cursor(self, ref: NodeRef | None) -> None:
        """Put the cursor on the node showing `ref`, else on this backup's node."""
        target = self.this_node
        if ref is not None:
            target = next((n for n in self._all_nodes() if n.data == ref), target)
        if target is not None:
            _ = self.last_line  # lays the lines out: a node's line is known only after that
            self.move_cursor(target)

    def _all_nodes(self) -> list[TreeNode[NodeRef]]:
        found: list[TreeNode[NodeRef]] = []
        pending = list(self.root.children)
        while pending:
            node = pending.pop(0)
            found.append(node)
            pending[:0] = node.children
        return found

    def on_focus(self) -> None:
        """Tab lands on a visible node: this backup, unless the cursor is already on one."""
        if self.cursor_node is None:
            self._place_cursor(None)

    def _room(self, node: TreeNode[NodeRef]) -> int:
        """The cells a node's label has on its line, after the guides of its depth."""
        depth = 0
        parent = node.parent
        while parent is not None and parent is not self.root:
            depth += 1
            parent = parent.parent
        return self.scrollable_content_region.width - depth * self.guide_depth

    def whole_label(self, node: TreeNode[NodeRef] | None) -> Text | None:
        """`node`'s label when its line cuts it (to be shown whole elsewhere), else None."""
        if node is None or not isinstance(node.label, Text):
            return None
        room = self._room(node)
        return node.label.copy() if 0 < room < node.label.cell_len else None

    def render_label(self, node: TreeNode[NodeRef], base_style: Style, style: Style) -> Text:
        """The label, shortened to the width left after the guides (with an ellipsis)."""
        label = super().render_label(node, base_style, style)
        room = self._room(node)
        if room > 0 and label.cell_len > room:
            label = shorten(label, room)
            label.stylize(style, len(label) - 1)  # the ellipsis under the cursor too
        return label

    def _settle(self, node: TreeNode[NodeRef]) -> None:
        """Nodes without children get no expand arrow: there is nothing to open."""
        for child in node.children:
            child.allow_expand = bool(child.children)
            self._settle(child)

    def _add_copy(self, parent: TreeNode[NodeRef], copy: CopyNode, now: datetime) -> None:
        label = node_label(copy.region, copy.backup.backup_id, copy.backup, now)
        node = parent.add(label, NodeRef(copy.region, copy.backup.backup_id), expand=True)
        for child in copy.children:
            self._add_copy(node, child, now)
