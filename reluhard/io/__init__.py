"""File formats (DIMACS CNF, DIMACS graphs, edge lists, .hgr, .npz training sets) and atomic writes.

All conversions between 0-based Python ids and 1-based file ids happen here.
"""

from .atomic import atomic_write  # noqa: F401
