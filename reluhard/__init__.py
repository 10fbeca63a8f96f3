"""reluhard: hardness reductions for training ReLU networks, with certificates.

Follows Goel, Klivans, Manurangsi, Reichman, "Tight Hardness Results for
Training Depth-2 ReLU Networks" (ITCS 2021).

Subpackages: ``reluhard.generators`` (instances), ``reluhard.reductions``
(instance -> training set maps with lift / decode / certified bounds),
``reluhard.solvers`` (SAT, exact ReLU minimisation, fitting, learning),
``reluhard.io`` (file formats, atomic writes), ``reluhard.verify``.
"""

__version__ = "0.1.0"

from .errors import (  # noqa: F401
    BudgetExhausted,
    InstanceFormatError,
    InvalidParameterError,
    ReductionCheckFailed,
    ReluhardError,
    SolverUnavailableError,
    UnknownNameError,
)
