"""Fork-server preload for torch cells: importing this module imports torch and runs one tiny training step.

torch initialises lazily on the first optimizer step (about a thousand modules, seconds in a fresh process);
the bench fork server imports this once, so each cell's forked worker starts warm (``reluhard.bench.cell``).
Imported only when a torch algorithm is benchmarked and torch is installed.
"""

import torch

from ._torch import _warm_up

_warm_up(torch)
