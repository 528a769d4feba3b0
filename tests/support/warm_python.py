"""`python -m MODULE ARGS` run as a fresh process forked from a Python that has already imported the heavy
third-party modules (tests/support/warm_preload.py): what the project's tests spend most of their CPU on is inner
pytest runs and `python -m provision`, and about a third of each is Python importing pytest, boto3, moto and their
kin again.

A warm run is still a program of its own: its own process (forked by multiprocessing's fork server, which is a child
of the test process), its own `sys.argv`, working folder, environment, standard streams (files read back as text),
exit status, atexit handlers and threads joined at its end, so moto's process-global state, the plugin's JVM and
a `sys.exit` stay inside it, as in a cold run. `sys.path` is made as `python -m` makes it: the working folder, then
the environment's PYTHONPATH, then the interpreter's own.

`eligible()` says when a call may run warm; every other call runs cold (`subprocess.run`). A call runs cold when
it is not `sys.executable -m MODULE` of a module in WARM_MODULES, when it passes anything `run` does not reproduce
(input, stdin, other streams), or when an environment variable Python reads at start (PYTHON*, the locale) differs
from the fork server's. `DYNAMO_CONTRACTS_TESTS_COLD=1` runs everything cold, to compare.

The fork server and every run it forked are waited for when the test process ends, so their CPU time is counted in
the test process's, as a cold run's is.
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import json
import multiprocessing
import multiprocessing.forkserver
import os
import runpy
import subprocess
import sys
import tempfile
import threading
import types
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

COLD_VARIABLE = "DYNAMO_CONTRACTS_TESTS_COLD"
WARM_MODULES = ("pytest", "provision", "steps", "dynamo_contracts")
REPRODUCED = frozenset({"cwd", "env", "timeout", "capture_output", "text", "check"})
STARTUP_PREFIXES = ("PYTHON", "LC_")  # read by the interpreter as it starts: a warm child cannot change them
STARTUP_NAMES = ("LANG", "LANGUAGE")
PRELOAD = "tests.support.warm_preload"

_context: Any = None
_server_environment: dict[str, str] = {}
_base_path: list[str] = []
_lock = threading.Lock()


def _startup(environment: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in environment.items()
            if (k.startswith(STARTUP_PREFIXES) or k in STARTUP_NAMES) and k != "PYTHONPATH"}


def eligible(args: Sequence[str], kwargs: Mapping[str, Any]) -> bool:
    """Whether `spawn.run(args, **kwargs)` can run warm, with the same outcome as cold."""
    if os.environ.get(COLD_VARIABLE) == "1" or os.name != "posix":
        return False
    if len(args) < 3 or args[0] != sys.executable or args[1] != "-m":
        return False
    if args[2].split(".")[0] not in WARM_MODULES or not set(kwargs) <= REPRODUCED:
        return False
    if not kwargs.get("capture_output") or not kwargs.get("text"):
        return False
    environment = kwargs.get("env")
    server = _server_environment if _context is not None else os.environ  # the server inherits this process's
    return _startup(os.environ if environment is None else environment) == _startup(server)


def _interpreter_path() -> list[str]:
    """The interpreter's own sys.path, as a fresh `python` has it before the script's folder and PYTHONPATH."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-c", "import json, sys; print(json.dumps(sys.path[1:]))"],
                          env=environment, capture_output=True, text=True, timeout=120, check=True)
    return [str(entry) for entry in json.loads(done.stdout)]


def _ensure_server() -> Any:
    global _context
    with _lock:
        if _context is None:
            _base_path[:] = _interpreter_path()
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([PRELOAD])
            _server_environment.clear()
            _server_environment.update(os.environ)
            _context = context
            atexit.register(_stop_server)
        return _context


def _stop_server() -> None:
    """Stop the fork server and wait for it: its children's CPU time then counts in this process's."""
    server = multiprocessing.forkserver._forkserver  # type: ignore[attr-defined]
    with contextlib.suppress(OSError, ChildProcessError):
        server._stop()


def _child(module: str, argv: list[str], cwd: str, environment: dict[str, str], path: list[str],
           out: str, err: str) -> None:
    """In the forked child: become `python -m module argv` in `cwd` with `environment`, run it, exit as it exits."""
    for fd, name, flags in ((0, os.devnull, os.O_RDONLY), (1, out, os.O_WRONLY), (2, err, os.O_WRONLY)):
        opened = os.open(name, flags)
        os.dup2(opened, fd)
        os.close(opened)
    sys.stdin = open(0, closefd=False)  # noqa: SIM115  (the process's own stream, for its whole life)
    sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(environment)
    sys.path[:] = path
    sys.argv = [module, *argv]
    main = types.ModuleType("__main__")  # a fresh __main__, as the interpreter starts with
    main.__dict__["__builtins__"] = builtins
    sys.modules["__main__"] = main
    code = 0
    try:
        runpy._run_module_as_main(module, alter_argv=True)  # type: ignore[attr-defined]  (what `python -m` calls)
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            code = stop.code or 0
        else:
            print(stop.code, file=sys.stderr)
            code = 1
    except BaseException as error:  # an uncaught exception: Python prints it from runpy on, and exits 1
        shown = error.with_traceback(error.__traceback__.tb_next if error.__traceback__ else None)
        sys.excepthook(type(shown), shown, shown.__traceback__)
        code = 1
    threading._shutdown()  # type: ignore[attr-defined]  (non-daemon threads, as at a normal exit)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def run(args: Sequence[str], *, cwd: str | Path | None = None, env: Mapping[str, str] | None = None,
        timeout: float, capture_output: bool = True, text: bool = True, check: bool = False
        ) -> subprocess.CompletedProcess[str]:
    """`subprocess.run(args, cwd=, env=, timeout=, capture_output=True, text=True, check=)`, warm."""
    context = _ensure_server()
    environment = dict(os.environ if env is None else env)
    folder = os.path.abspath(cwd if cwd is not None else os.getcwd())
    extra = [p for p in environment.get("PYTHONPATH", "").split(os.pathsep) if p]
    path = [folder, *(os.path.abspath(os.path.join(folder, p)) for p in extra), *_base_path]
    with tempfile.TemporaryDirectory(prefix="warm-python-") as scratch:
        out, err = Path(scratch) / "stdout", Path(scratch) / "stderr"
        out.touch()
        err.touch()
        child = context.Process(target=_child, args=(args[2], list(args[3:]), folder, environment, path,
                                                     str(out), str(err)), daemon=False)
        child.start()
        child.join(timeout)
        timed_out = child.exitcode is None
        if timed_out:
            child.kill()
            child.join()
        stdout, stderr = out.read_text(errors="replace"), err.read_text(errors="replace")
    if timed_out:
        raise subprocess.TimeoutExpired(list(args), timeout, output=stdout, stderr=stderr)
    done = subprocess.CompletedProcess(list(args), child.exitcode, stdout, stderr)
    if check:
        done.check_returncode()
    return done
