"""hsm-backups: a terminal browser for AWS CloudHSM v2 backups."""

__version__ = "0.1.0"
