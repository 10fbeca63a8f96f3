"""An out-of-tree reduction package (test fixture): 3-SAT -> one ReLU with every sample weight doubled.

Written as a user outside reluhard would: it imports only reluhard's public
API, declares its knowledge on the ``Reduction`` and is registered through
the ``reluhard.reductions`` entry-point group (the test writes the dist-info).
Every loss doubles, so completeness 2(n + u), soundness 2 s(u), the decoder
guarantee at L/2 and the cell bound 2 (★).
"""

from dataclasses import replace

from reluhard.data import TrainingSet
from reluhard.reductions import Bounds, Reduction
from reluhard.reductions import sat_to_relu as r1
from reluhard.reductions.sources import MAXSAT

NAME = "toy-double-sat-relu"


def forward(cnf, p):
    ts = r1.forward(cnf, p)
    # same argmin as sat-relu, so its provable box still holds; its bounds (in sat-relu's unit) are dropped
    meta = dict(ts.meta, reduction=NAME, bounds=None)
    return TrainingSet(ts.X, ts.y, 2 * ts.sample_weight, ts.weight_denominator, meta)


def bounds(cnf, p, cert):
    b = r1.bounds(cnf, p, cert)
    twice = (lambda v: None if v is None else 2 * v)
    return Bounds(twice(b.completeness), twice(b.soundness), b.realizable, b.assumptions, "twice sat-relu's: " + b.statement)


def guarantee(cnf, p, network, loss, cert=None):
    return r1.decoder_guarantee(cnf, p, network, loss / 2, cert)


def cell_bound(X, y, c, signs):
    b = r1.cell_lower_bounds(X, y, c / 2, signs)
    return None if b is None else 2 * b


REDUCTION = Reduction(
    name=NAME, source_kind="cnf", target_kind="relu", forward=forward, lift=r1.lift, decode=r1.decode, params=r1.params,
    bounds=bounds, value=r1.value, guarantee=guarantee, options=r1.OPTIONS, source=MAXSAT,
    exact=replace(r1.EXACT, cell_bound_claim="twice claim (★)"), cell_bound=cell_bound,
    summary="3-SAT -> one ReLU, every weight doubled (a plug-in test fixture)",
)
