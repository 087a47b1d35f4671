"""Widgets: one public widget per module."""

from tui.widgets.backup_detail import BackupDetail
from tui.widgets.backup_table import BackupTable
from tui.widgets.filter_sidebar import FilterSidebar

__all__ = ["BackupDetail", "BackupTable", "FilterSidebar"]
