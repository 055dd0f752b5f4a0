"""``sphinx-build`` without its start-up: each build is forked from a server that has imported Sphinx.

A new ``sphinx-build`` imports Sphinx, its builders, MyST, Furo, pydantic and our extensions
before it reads a page: about a second of the rebuild after an edit, at any size (README, "Speed":
the edit in a new process against the edit through the server). The Makefile runs Sphinx through
this script instead. The first build starts a server in the
background that imports all of that once and waits on a socket; every build is then a new process
forked from it, running ``sphinx-build``'s own ``main`` with the caller's arguments, working folder,
environment, umask and terminal (its standard streams are passed over the socket). The server never
builds, so each build starts from the same freshly imported state as a new process and writes the
same files. Ruby's Spring and the Bazel server work the same way.

The server stops after half an hour without a build, and is replaced when what it read while
importing may have changed: the Python, the installed packages, ``conf.py``, the extensions or the
profile vocabulary. A signal to the caller (Ctrl+C, ``kill``) goes to the build and its workers.
If the server cannot start, the build runs here, as ``sphinx-build`` would.

    python _ext/build_server.py [sphinx-build arguments]   # build through this project's server
    python _ext/build_server.py --stop                      # stop it
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
IDLE_SECONDS = 30 * 60
# The first start compiles bytecode and may take a while on a slow machine.
START_SECONDS = 120
# How long a caller may take to send its request once connected.
REQUEST_SECONDS = 10
# What the project's modules read when they are imported (the extensions; the vocabulary, read by
# profile_schema.py), as paths from the project's root: a change to one needs a new server.
# conf.py is not among them: every build runs it afresh.
IMPORTED = ("_ext/", "_data/profile_vocabulary.yaml")


def socket_path() -> Path:
    """One server per project folder and Python, in a folder of this user's alone (beside the
    socket: the server's log, and the lock that lets one caller start it)."""
    folder = Path(tempfile.gettempdir(), f"sphinx-build-{os.getuid()}")
    folder.mkdir(mode=0o700, exist_ok=True)
    if folder.stat().st_uid != os.getuid() or folder.stat().st_mode & 0o077:
        raise PermissionError(f"{folder} must belong to you alone")
    name = hashlib.sha256(f"{PROJECT}\0{sys.executable}".encode()).hexdigest()[:16]
    return folder / f"{name}.sock"


def imported_files() -> list[Path]:
    """The files of :data:`IMPORTED` (a folder's files, not Python's compiled copies of them)."""
    files = []
    for name in IMPORTED:
        path = PROJECT / name
        files += sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if path.is_dir() else [path]
    return files


def fingerprint() -> str:
    """The times and sizes of what the server imported (the packages: their folder's time, which
    changes when one is installed or removed)."""
    files = [Path(sys.executable), Path(sysconfig.get_paths()["purelib"]), *imported_files()]
    states = [(str(path), path.stat().st_mtime_ns, path.stat().st_size) for path in files if path.exists()]
    return hashlib.sha256(repr(states).encode()).hexdigest()


# -- The caller ----------------------------------------------------------------------------------


def connect(path: Path) -> socket.socket | None:
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        client.connect(str(path))
    except OSError:  # no server, or one that has stopped
        client.close()
        return None
    return client


def server_connection(path: Path) -> socket.socket | None:
    """A connection to the running server, after starting one if there is none."""
    if connection := connect(path):
        return connection
    # One caller starts the server; the others (make -j) wait for it.
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if connection := connect(path):
            return connection
        with open(path.with_suffix(".log"), "w") as log:
            server = subprocess.Popen(
                [sys.executable, __file__, "--serve"], cwd=PROJECT, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        deadline = time.monotonic() + START_SECONDS
        while server.poll() is None and time.monotonic() < deadline:
            if connection := connect(path):
                return connection
            time.sleep(0.01)
        server.kill()  # too slow: the next caller starts afresh, not beside it
    print(f"build_server: the server did not start (see {path.with_suffix('.log')}); building without it", file=sys.stderr)
    return None


def send(connection: socket.socket, message: dict, fds: list[int] = ()) -> None:
    data = json.dumps(message).encode()
    socket.send_fds(connection, [len(data).to_bytes(8, "big") + data], list(fds))


def build(argv: list[str]) -> int:
    """Run ``sphinx-build argv`` in a process forked from the server; its exit status. The
    signals this process gets go to the build and its workers (its process group)."""
    build_group, received = None, []

    def forward(signum: int, frame) -> None:
        received.append(signum)
        if build_group:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(build_group, signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, forward)
    try:
        path = socket_path()
    except PermissionError as error:
        print(f"build_server: {error}; building without the server", file=sys.stderr)
        path = None
    # A server that finds itself out of date stops, and so drops the callers queued behind the
    # first (make -j): each starts or finds the new one.
    for _ in range(3):
        connection = server_connection(path) if path and not received else None
        if connection is None:
            break
        with connection:
            umask = os.umask(0)
            os.umask(umask)
            streams = [fd if is_open(fd) else os.open(os.devnull, os.O_RDWR) for fd in (0, 1, 2)]
            replies = connection.makefile("r", encoding="utf-8")
            try:
                send(connection, {"key": fingerprint(), "argv": argv, "cwd": os.getcwd(), "env": dict(os.environ), "umask": umask}, streams)
                reply = replies.readline().split()
            except OSError:
                continue
            if reply[:1] != ["pid"]:  # "stale", or the server stopped
                continue
            build_group = int(reply[1])
            for signum in received:  # before the build was known
                forward(signum, None)
            reply = replies.readline().split()
        if reply[:1] == ["exit"]:
            return int(reply[1])
        if received:  # stopped by the signal, as a shell reports it
            return 128 + received[-1]
        print("build_server: the build ended without a result", file=sys.stderr)
        return 1
    if received:
        return 128 + received[-1]
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, signal.SIG_DFL)
    from sphinx.cmd.build import main as sphinx_build

    return sphinx_build(argv)


def is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def stop() -> int:
    with contextlib.suppress(PermissionError):
        if connection := connect(socket_path()):
            with connection:
                send(connection, {"stop": True})
                connection.makefile("r").readline()
    return 0


# -- The server ----------------------------------------------------------------------------------


def preload() -> None:
    """Import what every build imports: Sphinx's command and built-in extensions, the project's
    extensions and its theme (so not WeasyPrint: the PDF builder imports it where it renders)."""
    import importlib
    import runpy

    import sphinx.cmd.build  # noqa: F401
    from sphinx.application import builtin_extensions

    conf = runpy.run_path(str(PROJECT / "conf.py"))
    for name in (*builtin_extensions, *conf.get("extensions", []), conf.get("html_theme", "")):
        try:
            importlib.import_module(name)
        except ImportError:  # not a module (a theme given by name only); the build reports real errors
            pass


def receive(connection: socket.socket) -> tuple[dict, list[int]]:
    """A caller's request and its standard streams (closed here if the request is cut short)."""
    connection.settimeout(REQUEST_SECONDS)  # a caller stopped halfway must not hold up the others
    data, fds, _, _ = socket.recv_fds(connection, 1 << 16, 3)
    try:
        size, data = int.from_bytes(data[:8], "big"), data[8:]
        while len(data) < size:
            more = connection.recv(size - len(data))
            if not more:
                raise ConnectionError("the caller went away")
            data += more
        request = json.loads(data)
    except (OSError, ValueError):
        for fd in fds:
            os.close(fd)
        raise
    connection.settimeout(None)
    return request, fds


def serve() -> None:
    key = fingerprint()  # before importing: a change made meanwhile shows at the next build
    preload()
    path = socket_path()
    path.unlink(missing_ok=True)  # left by a server that was killed (callers start one under a lock)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(16)
    listener.settimeout(IDLE_SECONDS)
    ours = path.stat().st_ino
    # The builds' exit statuses go to their callers: the system need not keep them for this process.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        while True:
            try:
                connection, _ = listener.accept()
            except TimeoutError:  # idle
                return
            with connection:
                try:
                    request, fds = receive(connection)
                except (OSError, ValueError) as error:
                    print(f"a request could not be read: {error}", flush=True)
                    continue
                if request.get("stop") or request["key"] != key:
                    listener.close()
                    release(path, ours)
                    connection.sendall(b"stopped\n" if request.get("stop") else b"stale\n")
                    return
                sys.stdout.flush()
                if os.fork() == 0:
                    listener.close()
                    run_build(connection, request, fds)
                for fd in fds:
                    os.close(fd)
    finally:
        release(path, ours)


def release(path: Path, ours: int) -> None:
    """Remove the socket, unless a newer server has already put its own there."""
    with contextlib.suppress(FileNotFoundError):
        if path.stat().st_ino == ours:
            path.unlink()


def run_build(connection: socket.socket, request: dict, fds: list[int]) -> None:
    """In the forked process: become the caller's ``sphinx-build``; never returns."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # Sphinx and its workers wait for their children
        os.setpgid(0, 0)  # a group of its own, with its workers, for the caller's signals
        connection.sendall(f"pid {os.getpid()}\n".encode())
        for target, fd in zip((0, 1, 2), fds):
            os.dup2(fd, target)
            os.close(fd)
        sys.stdin = open(0, closefd=False)
        sys.stdout = open(1, "w", buffering=1 if os.isatty(1) else -1, encoding="utf-8", errors="backslashreplace", closefd=False)
        sys.stderr = open(2, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False)
        os.chdir(request["cwd"])
        os.umask(request["umask"])
        os.environ.clear()
        os.environ.update(request["env"])
        time.tzset()  # what Python took from the server's environment when it started
        tempfile.tempdir = None
        sys.argv = ["sphinx-build", *request["argv"]]
        from sphinx.cmd.build import main

        code = main(request["argv"])
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else int(exit.code is not None)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except OSError:
                pass
        try:
            connection.sendall(f"exit {code}\n".encode())
        except OSError:  # the caller was stopped
            pass
        os._exit(code)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--serve"]:
        serve()
        return 0
    if argv[:1] == ["--stop"]:
        return stop()
    return build(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
