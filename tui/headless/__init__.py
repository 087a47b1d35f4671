"""Headless commands (`hsm-backups list`): data on stdout, no screen, never textual."""
