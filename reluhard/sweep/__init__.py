"""Gap-tracking sweeps: grids of generated instances through ``verify``, results tables, plots, reports.

* :mod:`.grid` — families, axes, cells and cell ids (the resume key);
* :mod:`.cell` — one cell in a killable worker process, one record;
* :mod:`.runner` — local (joblib/loky) or dask.distributed execution, resume;
* :mod:`.table` — the JSON Lines table (append + fsync per record), Parquet export;
* :mod:`.plots`, :mod:`.report` — figures and the Markdown summary.

Optional dependencies (``pip install 'reluhard[sweep]'``): joblib, tqdm,
pyarrow, matplotlib, dask[distributed]; each is imported only where used.
"""

from .grid import FAMILIES, SweepSpec, expand_cells, load_spec, make_spec  # noqa: F401
from .runner import run_sweep  # noqa: F401
from .table import export_parquet, read_records  # noqa: F401

__all__ = ["FAMILIES", "SweepSpec", "expand_cells", "load_spec", "make_spec", "run_sweep", "export_parquet", "read_records"]
