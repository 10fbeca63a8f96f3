"""Atomic file writes: a temp file in the target folder, fsync, then rename.

A failed or killed write never leaves a partial file at the target path.
"""

import contextlib
import errno
import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write"]


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_write(path, mode="w", *, encoding="utf-8", newline=None):
    """Context manager yielding a file object; the target appears only on success.

    Parameters
    ----------
    path : str or Path
        Final location. Its folder must exist.
    mode : {"w", "wb"}
        Text or binary.
    """
    if mode not in ("w", "wb"):
        raise ValueError("atomic_write supports modes 'w' and 'wb'")
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    # name the user's path in errors, never the temp file's
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a directory, not a file to write", str(path))
    if not folder.is_dir():
        raise FileNotFoundError(errno.ENOENT, f"folder {folder} does not exist", str(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        if mode == "wb":
            fh = os.fdopen(fd, "wb")
        else:
            fh = os.fdopen(fd, "w", encoding=encoding, newline=newline)
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
