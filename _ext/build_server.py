"""``sphinx-build`` without its start-up: each build is forked from a server that has imported Sphinx.

A new ``sphinx-build`` spends about 0.7 s importing Sphinx, its builders, MyST, Furo, pydantic and
our extensions before it reads a page: half of the rebuild after an edit at 100 profiles. The
Makefile runs Sphinx through this script instead. The first build starts a server in the
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
# Read while importing (see preload): a change to one of them needs a new server.
IMPORTED = ("conf.py", "_ext/*.py", "_data/profile_vocabulary.yaml")


def socket_path() -> Path:
    """One server per project folder and Python, in a folder of this user's alone (beside the
    socket: the server's log, and the lock that lets one caller start it)."""
    folder = Path(tempfile.gettempdir(), f"sphinx-build-{os.getuid()}")
    folder.mkdir(mode=0o700, exist_ok=True)
    if folder.stat().st_uid != os.getuid() or folder.stat().st_mode & 0o077:
        raise PermissionError(f"{folder} must belong to you alone")
    name = hashlib.sha256(f"{PROJECT}\0{sys.executable}".encode()).hexdigest()[:16]
    return folder / f"{name}.sock"


def fingerprint() -> str:
    """The times and sizes of what the server imported (the packages: their folder's time, which
    changes when one is installed or removed)."""
    files = [Path(sys.executable), Path(sysconfig.get_paths()["purelib"])]
    files += sorted(path for pattern in IMPORTED for path in PROJECT.glob(pattern))
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


def server_connection() -> socket.socket | None:
    """A connection to the running server, after starting one if there is none."""
    try:
        path = socket_path()
    except PermissionError as error:
        print(f"build_server: {error}; building without the server", file=sys.stderr)
        return None
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
    print(f"build_server: the server did not start (see {path.with_suffix('.log')}); building without it", file=sys.stderr)
    return None


def send(connection: socket.socket, message: dict, fds: list[int] = ()) -> None:
    data = json.dumps(message).encode()
    socket.send_fds(connection, [len(data).to_bytes(8, "big") + data], list(fds))


def build(argv: list[str]) -> int:
    """Run ``sphinx-build argv`` in a process forked from the server; its exit status."""
    for _ in range(2):  # a server that finds itself out of date stops: start a new one, once
        connection = server_connection()
        if connection is None:
            break
        with connection:
            umask = os.umask(0)
            os.umask(umask)
            streams = [fd if is_open(fd) else os.open(os.devnull, os.O_RDWR) for fd in (0, 1, 2)]
            send(connection, {"key": fingerprint(), "argv": argv, "cwd": os.getcwd(), "env": dict(os.environ), "umask": umask}, streams)
            replies = connection.makefile("r", encoding="utf-8")
            reply = replies.readline().split()
            if reply == ["stale"]:
                continue
            if reply[:1] != ["pid"]:
                print(f"build_server: no build started (see {socket_path().with_suffix('.log')})", file=sys.stderr)
                return 1
            return result_of(int(reply[1]), replies)
    os.execv(Path(sys.executable).with_name("sphinx-build"), ["sphinx-build", *argv])


def is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def result_of(build_group: int, replies) -> int:
    """Wait for the build's exit status, passing it the signals this process gets."""

    forwarded = []

    def forward(signum: int, frame) -> None:
        forwarded.append(signum)
        try:
            os.killpg(build_group, signum)
        except ProcessLookupError:
            pass

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)
    reply = replies.readline().split()
    if reply[:1] == ["exit"]:
        return int(reply[1])
    if forwarded:  # stopped by the signal, as a shell reports it
        return 128 + forwarded[-1]
    print("build_server: the build ended without a result", file=sys.stderr)
    return 1


def stop() -> int:
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
    data, fds, _, _ = socket.recv_fds(connection, 1 << 16, 3)
    size, data = int.from_bytes(data[:8], "big"), data[8:]
    while len(data) < size:
        more = connection.recv(size - len(data))
        if not more:
            raise ConnectionError("the caller went away")
        data += more
    return json.loads(data), fds


def serve() -> None:
    key = fingerprint()  # before importing: a change made meanwhile shows at the next build
    preload()
    path = socket_path()
    path.unlink(missing_ok=True)  # left by a server that was killed (callers start one under a lock)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(16)
    listener.settimeout(60)
    ours = path.stat().st_ino
    last_build = time.monotonic()
    while True:
        reap()
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            if time.monotonic() - last_build > IDLE_SECONDS:
                break
            continue
        with connection:
            try:
                request, fds = receive(connection)
            except (OSError, ValueError) as error:
                print(f"a request could not be read: {error}", flush=True)
                continue
            if request.get("stop") or request["key"] != key:
                if path.exists() and path.stat().st_ino == ours:
                    path.unlink()
                listener.close()
                connection.sendall(b"stopped\n" if request.get("stop") else b"stale\n")
                return
            last_build = time.monotonic()
            sys.stdout.flush()
            if os.fork() == 0:
                listener.close()
                run_build(connection, request, fds)
            for fd in fds:
                os.close(fd)
    path.unlink(missing_ok=True)


def reap() -> None:
    """Collect the builds that have ended (their exit status went to their callers)."""
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def run_build(connection: socket.socket, request: dict, fds: list[int]) -> None:
    """In the forked process: become the caller's ``sphinx-build``; never returns."""
    code = 1
    try:
        os.setpgid(0, 0)  # a group of its own, with its workers, for the caller's signals
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
        connection.sendall(f"pid {os.getpid()}\n".encode())
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
