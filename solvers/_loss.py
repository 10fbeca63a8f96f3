"""Vectorised weighted square loss and gradient of k-ReLU networks on sparse data."""

import numpy as np

__all__ = ["loss_grad", "loss_only", "best_single_start"]


def loss_only(X, y, c, W, a):
    """Total weighted loss for weights W (k, d) and output weights a (k,)."""
    Z = X @ W.T
    r = np.maximum(Z, 0.0) @ a - y
    return float(np.dot(c, r * r))


def loss_grad(X, XT, y, c, W, a, fit_a=True):
    """Loss and gradients (dW, da) of L = sum_i c_i (sum_j a_j relu(w_j.x_i) - y_i)^2.

    ``XT`` is X transposed in CSR form (precomputed once per fit).
    """
    Z = X @ W.T  # (N, k)
    act = Z > 0
    R = np.where(act, Z, 0.0)
    r = R @ a - y
    cr = 2.0 * c * r  # (N,)
    G = cr[:, None] * act * a[None, :]  # dL/dZ
    dW = (XT @ G).T
    da = R.T @ cr if fit_a else None
    return float(np.dot(c, r * r)), dW, da


def best_single_start(X, y, c, starts, d):
    """(loss, w) of the best one-ReLU start network (positive output weight); (inf, None) when none fits."""
    best_L, best_w = np.inf, None
    for net in starts:
        net = net.as_float()
        if net.weights.shape == (1, d) and net.output_weights[0] > 0:
            w = net.weights[0] * net.output_weights[0]
            L = loss_only(X, y, c, w[None, :], np.ones(1))
            if L < best_L:
                best_L, best_w = L, w
    return best_L, best_w
