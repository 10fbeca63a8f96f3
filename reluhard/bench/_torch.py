"""PyTorch trainers (SGD, Adam; full batch or mini-batch) on the benchmark's model class.

torch is imported only here, only when a torch algorithm runs; without it the
algorithm raises :class:`~reluhard.bench.algorithms.NotApplicable` with the
install hint (``pip install 'reluhard[torch]'``).

Model: ``torch.nn.Linear(d, k, bias=False)`` then ReLU; k = 1 sums with output
weight 1 (relu(w . x)), k >= 2 through a trainable ``Linear(k, 1, bias=False)``.
torch's default initialisation, float64, weighted mean square loss
sum_b c_b r_b^2 / sum_b c_b. One run is at most ``_MAX_STEPS`` full-batch steps
(or ``_MAX_EPOCHS`` epochs of shuffled mini-batches) and stops early when the
full-data loss has not improved by a relative 1e-10 for ``_PATIENCE`` checks;
runs restart with fresh initialisations, cycling over the learning-rate grid,
until the budget is spent; one run lasts at most budget / len(grid), so every
learning rate of the grid is tried.
"""

import time

import numpy as np

from .algorithms import LR_GRID, NotApplicable, Trace

_MAX_STEPS = 5000
_MAX_EPOCHS = 300
_CHECK_EVERY = 50
_PATIENCE = 4


def _import_torch():
    try:
        import torch
    except ImportError:
        raise NotApplicable("torch is not installed: the torch algorithms (sgd, adam, sgd-mb, adam-mb) are skipped; "
                            "install them with: pip install 'reluhard[torch]'") from None
    return torch


def _warm_up(torch):
    """One tiny forward/backward/step: torch's lazy initialisation (seconds in a fresh process) is not training."""
    lin = torch.nn.Linear(2, 1, bias=False).double()
    for opt in (torch.optim.SGD(lin.parameters(), lr=0.0), torch.optim.Adam(lin.parameters(), lr=0.0)):
        opt.zero_grad()
        torch.relu(lin(torch.ones(2, 2, dtype=torch.float64))).sum().backward()
        opt.step()


def train_torch(X, y, sample_weight, *, seed, budget, k, optimizer, batch):
    """Restarted training of the model class with ``optimizer`` ("sgd" or "adam"); see the module docstring.

    The budget counts from after torch's import and a warm-up step (the record's ``seconds`` include both).
    """
    torch = _import_torch()
    torch.set_num_threads(1)
    _warm_up(torch)
    tr = Trace(budget)
    Xt = torch.as_tensor(np.array(X, dtype=np.float64))
    yt = torch.as_tensor(np.array(y, dtype=np.float64))
    ct = torch.as_tensor(np.array(sample_weight, dtype=np.float64))
    N, d = Xt.shape
    csum = float(ct.sum()) or 1.0
    gen = torch.Generator().manual_seed(int(seed))
    run = 0
    lrs_best = None
    while run == 0 or not tr.out_of_time():
        lr = LR_GRID[run % len(LR_GRID)]
        torch.manual_seed(int(seed) * 1000003 + run)
        hidden = torch.nn.Linear(d, k, bias=False).double()
        params = list(hidden.parameters())
        out = None
        if k > 1:
            out = torch.nn.Linear(k, 1, bias=False).double()
            params += list(out.parameters())

        def forward(xb, hidden=hidden, out=out):
            h = torch.relu(hidden(xb))
            return h.sum(dim=1) if out is None else out(h).squeeze(1)

        opt = torch.optim.SGD(params, lr=lr) if optimizer == "sgd" else torch.optim.Adam(params, lr=lr)
        best_run, stale, step = np.inf, 0, 0
        if tr.W is None:  # the first initialisation, so a diverging run still returns a network
            with torch.no_grad():
                rf = forward(Xt) - yt
                tr.offer(float((ct * rf * rf).sum()), hidden.weight.detach().numpy(),
                         np.ones(1) if out is None else out.weight.detach().numpy()[0])
        steps_total = _MAX_STEPS if batch is None else _MAX_EPOCHS * max(1, -(-N // batch))
        # each learning rate of the grid gets its first run within an equal share of the budget
        run_end = time.perf_counter() + float(budget) / len(LR_GRID)
        while step < steps_total and stale < _PATIENCE and not tr.out_of_time() and time.perf_counter() < run_end:
            if batch is None:
                idx = None
            else:
                epoch_pos = (step * batch) % N
                if epoch_pos < batch:
                    perm = torch.randperm(N, generator=gen)
                idx = perm[epoch_pos: epoch_pos + batch]
            xb, yb, cb = (Xt, yt, ct) if idx is None else (Xt[idx], yt[idx], ct[idx])
            opt.zero_grad()
            r = forward(xb) - yb
            loss = (cb * r * r).sum() / (cb.sum() if idx is not None else csum)
            if not torch.isfinite(loss):
                break  # diverged (a large learning rate): next restart
            loss.backward()
            opt.step()
            step += 1
            if step % _CHECK_EVERY == 0 or step == steps_total:
                with torch.no_grad():
                    rf = forward(Xt) - yt
                    L = float((ct * rf * rf).sum())
                if not np.isfinite(L):
                    break
                W = hidden.weight.detach().numpy()
                a = np.ones(1) if out is None else out.weight.detach().numpy()[0]
                if L < tr.best:
                    lrs_best = lr
                tr.offer(L, W, a)
                if L < best_run * (1 - 1e-10):
                    best_run, stale = L, 0
                else:
                    stale += 1
        run += 1
    return tr.fit(restarts=run, best_lr=lrs_best, lr_grid=list(LR_GRID), batch=batch)
