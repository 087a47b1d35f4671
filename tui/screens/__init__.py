"""Screens: the main browser and its modals."""

from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen

__all__ = ["HelpScreen", "MainScreen"]
