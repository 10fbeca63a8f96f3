"""One registry mechanism for reductions, generator families, fitters and oracles.

A :class:`Registry` maps kebab-case names to ``"module:attribute"`` targets,
imported only when looked up (so ``reluhard --help`` never imports SCIP). Its
entries come from three places, in this order of precedence:

1. names registered in-process with :meth:`Registry.register`;
2. the built-in table of the package that owns the kind of object
   (``reluhard.reductions.REGISTRY``, ``reluhard.solvers.base.FITTERS`` / ``ORACLES``,
   ``reluhard.sweep.grid.FAMILIES``);
3. Python entry points of other installed packages, in the groups

   ==========================  ==============================================
   group                       an entry's object
   ==========================  ==============================================
   ``reluhard.reductions``     a :class:`~reluhard.reductions.base.Reduction` or ``Chain``
   ``reluhard.fitters``        ``fit(training_set, **kw) -> FitResult``
   ``reluhard.oracles``        ``oracle(instance, *, time_limit) -> CombinatorialResult``
   ``reluhard.generators``     a :class:`~reluhard.sweep.grid.Family`
   ==========================  ==============================================

so a package outside reluhard that declares, e.g. in its ``setup.cfg``::

    [options.entry_points]
    reluhard.reductions =
        my-reduction = my_package.my_module:REDUCTION

is accepted by every command (``reduce``, ``verify``, ``sweep``, ``explain``,
``check``) under the name ``my-reduction``. A built-in name cannot be shadowed
by an entry point.

This module depends only on the standard library and :mod:`reluhard.errors`,
so every layer may use it.
"""

import importlib
import sys

from reluhard.errors import UnknownNameError

__all__ = ["Registry", "GROUPS", "entry_point_targets"]

GROUPS = {
    "reduction": "reluhard.reductions",
    "fitter": "reluhard.fitters",
    "oracle": "reluhard.oracles",
    "family": "reluhard.generators",
}

_EP_CACHE = {}


def entry_point_targets(group):
    """``{name: "module:attr"}`` of the installed entry points in ``group`` (cached per ``sys.path``)."""
    key = (group, tuple(sys.path))
    if key not in _EP_CACHE:
        from importlib.metadata import entry_points

        _EP_CACHE[key] = {ep.name: ep.value for ep in entry_points(group=group)}
    return _EP_CACHE[key]


def _load(target):
    module, _, attr = target.partition(":")
    obj = importlib.import_module(module)
    for part in attr.split(".") if attr else ():
        obj = getattr(obj, part)
    return obj


class Registry:
    """Names -> lazily imported objects, with in-process registration and entry points.

    Parameters
    ----------
    what : str
        Kind of object, for messages ("reduction", "fitting method", ...).
    group : str or None
        Entry-point group scanned for plug-ins.
    builtin : callable
        Returns the built-in ``{name: object or "module:attr"}`` table (called lazily).
    """

    def __init__(self, what, group, builtin):
        self.what = what
        self.group = group
        self._builtin = builtin
        self._local = {}

    def register(self, name, obj):
        """Register ``obj`` (or a ``"module:attr"`` string) as ``name`` in this process."""
        self._local[name] = obj

    def unregister(self, name):
        self._local.pop(name, None)

    def _targets(self, with_plugins=True):
        out = {}
        if with_plugins and self.group:
            out.update(entry_point_targets(self.group))
        out.update(self._builtin())
        out.update(self._local)
        return out

    def names(self):
        """Every known name, sorted (built-ins, in-process registrations, entry points)."""
        return sorted(self._targets())

    def __contains__(self, name):
        return name in self._builtin() or name in self._local or name in self._targets()

    def get(self, name):
        """The object registered as ``name``.

        Raises
        ------
        UnknownNameError
            ``name`` is not registered (the message lists the known names).
        """
        target = self._local.get(name)
        if target is None:
            target = self._builtin().get(name)
        if target is None and self.group:
            target = entry_point_targets(self.group).get(name)
        if target is None:
            raise UnknownNameError(f"unknown {self.what} {name!r}; known: {', '.join(self.names())}")
        # resolved on every call (imports are cached by Python), so a patched attribute is seen
        return _load(target) if isinstance(target, str) else target
