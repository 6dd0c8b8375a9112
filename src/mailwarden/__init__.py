"""mailwarden: a guard for outgoing email.

The public API is the scan pipeline (`Scanner`, `ScanReport`) and the config
loader; everything else is reached through the stage packages.
"""

__version__ = "0.1.0"
