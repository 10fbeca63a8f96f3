"""Training-algorithm baselines on the benchmark suite, with the certified optimum as the yardstick.

* :mod:`.algorithms` — the registry (scipy L-BFGS-B, PyTorch SGD/Adam full and
  mini-batch, the proper learner, the exact arrangement enumeration of Arora et
  al., SCIP MIQP, orthant enumeration) and user plug-ins ``module:function``;
  every algorithm sees only ``(X, y, sample_weight, seed, budget, k)``;
* :mod:`.instances` — suite rows and the ``hard`` family (planted R1) as public
  problems plus the harness-only yardstick (certified bounds, decoder);
* :mod:`.cell` — one (instance, algorithm, seed) record, loss recomputed, a loss
  below a certified lower bound raised as :class:`~.cell.BoundViolation`;
* :mod:`.harness` — :func:`run_bench` through :func:`reluhard.sweep.run_sweep`;
* :mod:`.report` — the leaderboard and figures.

torch is optional (``pip install 'reluhard[torch]'``), imported only by the
torch algorithms; without it they are recorded as ``skipped`` with the reason.
"""

from .algorithms import ALGORITHMS, BenchFit, NotApplicable, algorithm_names, get_algorithm  # noqa: F401
from .cell import SCHEMA, BoundViolation  # noqa: F401
from .harness import run_bench  # noqa: F401
from .instances import hard_specs, load_problem, suite_specs  # noqa: F401

__all__ = ["ALGORITHMS", "BenchFit", "NotApplicable", "algorithm_names", "get_algorithm", "SCHEMA", "BoundViolation",
           "run_bench", "hard_specs", "load_problem", "suite_specs"]
