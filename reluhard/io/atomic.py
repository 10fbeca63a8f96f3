"""Atomic file writes: a temp file in the target folder, fsync, then rename.

A failed or killed write never leaves a partial file at the target path.

Policy (``docs/reliability.md``):

* the target must be a regular file or not exist: a device node, FIFO or
  socket is refused (writing ``-o /dev/null`` would otherwise replace the
  device with a regular file);
* an existing read-only target is refused (we would otherwise silently
  replace a file its owner protected); an existing target keeps its mode;
* a file read as input in this run is refused as a target when the input
  guard is on (the CLI turns it on; :func:`guard_inputs`);
* the temp file is ``.NAME.PID-XXXXXXXX.tmp`` next to the target and is
  removed on every exit path Python sees (exceptions, Ctrl-C, SIGTERM through
  the CLI). ``kill -9`` cannot be caught: the next write to the same target
  removes stale temp files of exactly this pattern whose writing process is
  gone (or that are older than a day);
* OS errors raised while writing (ENOSPC, EIO, ...) name the user's path,
  never the temp file.
"""

import contextlib
import errno
import os
import re
import stat
import tempfile
import time
from pathlib import Path

from ..errors import OutputError

__all__ = ["atomic_write", "guard_inputs", "note_input", "stale_temp_files", "STALE_AGE", "sha256_file"]

#: a temp file of a live process is only removed when older than this (seconds; pid reuse)
STALE_AGE = 24 * 3600
#: a temp file of a dead process is removed when older than this (seconds)
DEAD_AGE = 5.0

_GUARD = {"on": False, "inputs": set(), "written": set()}


def guard_inputs(on=True):
    """Turn the input guard on (and forget earlier inputs): targets equal to a read input are refused.

    A file this run wrote itself and reads back (e.g. ``suite build`` certifying
    the source it just wrote) is not an input: rewriting it stays allowed.
    """
    _GUARD["on"] = bool(on)
    _GUARD["inputs"] = set()
    _GUARD["written"] = set()


def _file_id(path):
    st = os.stat(path)
    return (st.st_dev, st.st_ino) if stat.S_ISREG(st.st_mode) else None


def note_input(path):
    """Record that ``path`` was read (called by the readers); no-op when the guard is off."""
    if not _GUARD["on"] or str(path) == "-":
        return
    with contextlib.suppress(OSError):
        fid = _file_id(path)
        if fid is not None and fid not in _GUARD["written"]:
            _GUARD["inputs"].add(fid)


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _pattern(name):
    return re.compile(re.escape(f".{name}.") + r"(?:(\d+)-)?[A-Za-z0-9_]{8}\.tmp")


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: exists, another user's
        return True
    return True


def stale_temp_files(path, *, now=None):
    """Temp files of our exact naming for target ``path`` that no live writer owns."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    pat = _pattern(path.name)
    now = time.time() if now is None else now
    out = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            m = pat.fullmatch(entry.name)
            if m is None or not entry.is_file(follow_symlinks=False):
                continue
            age = now - entry.stat(follow_symlinks=False).st_mtime
            pid = m.group(1)
            if age > STALE_AGE or (pid is not None and int(pid) != os.getpid() and not _alive(int(pid)) and age > DEAD_AGE) or (
                pid is None and age > 3600
            ):
                out.append(Path(entry.path))
    return out


def _check_target(path):
    """Refuse targets we must not replace; return the mode to give the new file."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return 0o666 & ~_umask()
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory, not a file to write", str(path))
    if not stat.S_ISREG(st.st_mode):
        raise OutputError(f"{path}: not a regular file (device, FIFO or socket); refusing to replace it")
    if _GUARD["on"] and (st.st_dev, st.st_ino) in _GUARD["inputs"]:
        raise OutputError(f"{path}: is an input of this command; refusing to overwrite it (write elsewhere)")
    if not (st.st_mode & 0o222) or not os.access(path, os.W_OK):
        raise OutputError(f"{path}: is read-only; refusing to replace it (make it writable or remove it first)")
    return stat.S_IMODE(st.st_mode)


@contextlib.contextmanager
def atomic_write(path, mode="w", *, encoding="utf-8", newline=None):
    """Context manager yielding a file object; the target appears only on success.

    Parameters
    ----------
    path : str or Path
        Final location. Its folder must exist; it must not be a device node,
        a read-only file or (with the CLI's input guard) an input of the run.
    mode : {"w", "wb"}
        Text or binary.

    Raises
    ------
    OutputError
        The target is refused (see the module docstring).
    OSError
        Writing failed (ENOSPC, ...); ``filename`` is the target path.
    """
    if mode not in ("w", "wb"):
        raise ValueError("atomic_write supports modes 'w' and 'wb'")
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    # name the user's path in errors, never the temp file's
    if not folder.is_dir():
        raise FileNotFoundError(errno.ENOENT, f"folder {folder} does not exist", str(path))
    file_mode = _check_target(path)
    for old in stale_temp_files(path):
        with contextlib.suppress(OSError):
            os.unlink(old)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        try:
            os.chmod(tmp, file_mode)
            fh = os.fdopen(fd, "wb") if mode == "wb" else os.fdopen(fd, "w", encoding=encoding, newline=newline)
        except BaseException:
            os.close(fd)
            raise
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        if _GUARD["on"]:
            with contextlib.suppress(OSError):
                _GUARD["written"].add(_file_id(path))
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if exc.errno is not None and (exc.filename is None or str(exc.filename) == tmp):
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def sha256_file(path):
    """sha256 hex digest of a file's bytes (read in 1 MiB blocks)."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
