"""The engine: sources across profiles and regions, merged into one order. Never imports textual.

The headless commands and (in time) the browser both drive it.
"""
