"""The one exception tree of reluhard.

Every error the toolkit raises on purpose derives from :class:`ReluhardError`.
The CLI maps any of them to a one-line message and exit code 2; Python callers
can catch the specific subclass (several also derive from the matching builtin
so that ``except ValueError`` keeps working, as in scikit-learn).
"""

__all__ = [
    "ReluhardError",
    "InvalidParameterError",
    "InstanceFormatError",
    "UnknownNameError",
    "SolverUnavailableError",
    "BudgetExhausted",
    "ReductionCheckFailed",
    "OutputError",
    "ResultsLockedError",
]


class ReluhardError(Exception):
    """Root of every error raised by reluhard."""


class InvalidParameterError(ReluhardError, ValueError):
    """A parameter is outside its documented range (p not in [0, 1], kappa > n, ...)."""


class InstanceFormatError(ReluhardError, ValueError):
    """A file does not follow its format. The message names file, line and problem."""

    def __init__(self, problem, *, path=None, line=None):
        self.problem = problem
        self.path = None if path is None else str(path)
        self.line = line
        where = ""
        if self.path is not None:
            where = self.path
            if line is not None:
                where += f":{line}"
            where += ": "
        elif line is not None:
            where = f"line {line}: "
        super().__init__(where + problem)


class UnknownNameError(ReluhardError, KeyError):
    """A registry lookup (reduction, generator, solver) failed."""

    def __str__(self):  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class SolverUnavailableError(ReluhardError, ImportError):
    """An optional solver backend is not installed."""


class BudgetExhausted(ReluhardError):
    """A solver hit its time or conflict budget before reaching an answer."""


class ReductionCheckFailed(ReluhardError):
    """A certified claim of a reduction was violated; carries the counterexample."""

    def __init__(self, message, *, counterexample=None):
        self.counterexample = counterexample
        super().__init__(message)


class OutputError(ReluhardError):
    """A write target is refused (device node, read-only file, an input of the run)."""


class ResultsLockedError(ReluhardError):
    """Another process holds the lock of a sweep results file."""
