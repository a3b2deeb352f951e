"""The ways the recommendation tree can be grouped: key -> label in the View menu.

A module of its own so the window's menus (built before its first frame) need not
import the tree model and everything it paints with.
"""

from __future__ import annotations

GROUPINGS = {"inspection": "Inspection", "board": "Board", "area": "Area", "lead": "Lead"}
