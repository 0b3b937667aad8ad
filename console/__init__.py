"""Gridwatch: a command-room console for grid-based community governance.

The package is layered the way napari is: ``console.core`` (domain) and
``console.storage`` (database) never import Qt, so the headless intake
service and the fast unit tests can use them; ``console.gui`` wires them to
the Qt views in the top-level ``widgets`` package.
"""

__version__ = "0.1.0"
