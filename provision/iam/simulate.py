"""Evaluate IAM requests against policy documents with @cloud-copilot/iam-simulate, run by node.

The evaluator matches Action, Resource and Condition as AWS does. It is an npm package (AGPL-3.0), run as a
separate program and not shipped: its pinned lockfile (`evaluator/` beside this file) is installed with `npm ci`
into the user cache on first use, like DynamoDB Local, so a fresh machine needs nothing but node and npm.
One run of node judges a whole batch: callers collect every request first. What it cannot know is said, not
guessed: a condition on a request context key the request lacks comes back as `missing_context`. A batch answered
before, by the same evaluator, is answered from the user cache (`verdict_cache`) without starting node.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..cache import cache_dir
from ..errors import ToolError
from . import verdict_cache

EVALUATOR = Path(__file__).resolve().parent / "evaluator"
SCRIPT = EVALUATOR / "simulate.cjs"
PACKAGE = "@cloud-copilot/iam-simulate"
VERSION = json.loads((EVALUATOR / "package.json").read_text(encoding="utf-8"))["dependencies"][PACKAGE]
ALLOWED = "Allowed"
# npm's own bounds on a registry that refuses, fails or hangs (its defaults retry twice with 10 s and 60 s of backoff,
# 72 s for a refused connection, and wait 5 minutes on a silent one). Set only where the environment (NPM_CONFIG_...)
# does not say otherwise: a slow mirror can be given more there.
NPM_BOUNDS = {"fetch-timeout": "15000", "fetch-retries": "1", "fetch-retry-mintimeout": "1000",
              "fetch-retry-maxtimeout": "5000"}
INSTALL_TIMEOUT_SECONDS = 120  # all of npm ci, whatever it waits on
RUN_TIMEOUT_SECONDS = 120
FETCH_COMMAND = "dynamo-contracts local fetch"

_log = logging.getLogger(__name__)


class SimulatorMissing(ToolError):
    """node or npm is not installed here, or the evaluator could not be installed: nothing can be evaluated."""


@dataclass(frozen=True)
class Request:
    """One authorisation: may `principal`, holding `policies` (name -> document), do `action` on `resource`?"""

    principal: str
    account: str
    policies: Mapping[str, Mapping[str, Any]]
    action: str
    resource: str
    context: Mapping[str, str] = field(default_factory=dict)
    resource_policy: Mapping[str, Any] | None = None

    def data(self) -> dict[str, Any]:
        return {"principal": self.principal, "account": self.account, "policies": dict(self.policies),
                "action": self.action, "resource": self.resource, "context": dict(self.context),
                "resourcePolicy": self.resource_policy}


@dataclass(frozen=True)
class Verdict:
    """The evaluator's answer: Allowed, ImplicitlyDenied, ExplicitlyDenied or Error (with why)."""

    result: str
    errors: str = ""
    denied_by: tuple[str, ...] = ()  # "policy:Sid" of each Deny statement that matched
    missing_context: tuple[str, ...] = ()  # condition keys the request lacks that could change the result

    @property
    def allowed(self) -> bool:
        return self.result == ALLOWED and not self.errors


def _home(cache: Path | None) -> Path:
    return (cache or cache_dir()) / f"iam-simulate-{VERSION}"


def _ready(home: Path) -> bool:
    return (home / "node_modules" / PACKAGE / "package.json").is_file()


_failed: dict[Path, SimulatorMissing] = {}  # an install that failed in this process is not tried again


def install(cache: Path | None = None, progress: Callable[[str], None] | None = None) -> Path:
    """Install the pinned evaluator into the cache once (npm ci); safe against another process doing the same.

    Said through `progress` (the log otherwise) before npm starts; a failure keeps npm's own reason, and is not
    tried again in this process."""
    home = _home(cache)
    if _ready(home):
        return home
    if home in _failed:
        raise _failed[home]
    try:
        return _install(home, progress or _log.info)
    except SimulatorMissing as error:
        _failed[home] = error
        raise


def _install(home: Path, say: Callable[[str], None]) -> Path:
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise SimulatorMissing("node and npm are needed to evaluate IAM policies here, and are not installed")
    home.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=home.parent, prefix=".iam-simulate-"))
    try:
        for name in ("package.json", "package-lock.json"):
            shutil.copy(EVALUATOR / name, staging / name)
        say(f"installing the IAM policy evaluator ({PACKAGE} {VERSION}, npm ci) into {home}: once, later runs use "
            "this copy")
        try:
            done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
                                  cwd=staging, env=npm_environment(), capture_output=True, text=True,
                                  timeout=INSTALL_TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise SimulatorMissing(f"cannot install {PACKAGE} {VERSION}: npm ci was still running after "
                                   f"{INSTALL_TIMEOUT_SECONDS} s; point NPM_CONFIG_REGISTRY at a registry that "
                                   f"answers, then run `{FETCH_COMMAND}`") from None
        except (OSError, subprocess.SubprocessError) as error:
            raise SimulatorMissing(f"cannot install {PACKAGE} with npm: {error}") from None
        if done.returncode != 0:
            raise SimulatorMissing(f"cannot install {PACKAGE} {VERSION} with npm ci (exit {done.returncode}): "
                                   f"{npm_reason(done.stderr or done.stdout)}; point NPM_CONFIG_REGISTRY at a "
                                   "registry that has it, then run `" + FETCH_COMMAND + "`")
        with contextlib.suppress(OSError):  # fails when another process's copy is already there
            os.replace(staging, home)
        if not _ready(home):
            raise SimulatorMissing(f"{home} is in the way and holds no {PACKAGE}: delete it, then retry")
        return home
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def npm_environment() -> dict[str, str]:
    """This process's environment, with npm's fetch bounds wherever it does not set them itself."""
    environment = dict(os.environ)
    given = {name.lower() for name in environment}
    for option, value in NPM_BOUNDS.items():
        name = "npm_config_" + option.replace("-", "_")
        if name not in given:
            environment[name] = value
    return environment


_NOISE = re.compile(r"^(?:\s|[{}]|A complete log of this run|Log files were not written)")


def npm_reason(output: str, limit: int = 600) -> str:
    """What npm said went wrong, on one line: its `npm error` lines without the stack trace, the dump of the error
    object or where its log is."""
    lines = [re.sub(r"^npm (?:error|ERR!) ?", "", line) for line in output.splitlines()]
    kept = [line.strip() for line in lines if line.strip() and not _NOISE.match(line)]
    text = "; ".join(dict.fromkeys(kept)) or "npm said nothing"
    return text if len(text) <= limit else text[:limit - 3] + "..."


class Prestarted:
    """A run of node started before its batch is known: node and the evaluator load (about 0.1 s, more under load)
    while the contract run parses and collects, on another core; `run` then hands it the batch. One batch each."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self._process: subprocess.Popen[str] | None = process

    @classmethod
    def start(cls, cache: Path | None = None) -> Prestarted | None:
        """node waiting for its batch; None where it cannot start here (`simulate` then says why)."""
        binary = shutil.which("node")
        home = _home(cache)
        if binary is None or not _ready(home):
            return None
        try:
            return cls(subprocess.Popen([binary, str(SCRIPT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, env=_node_environment(home)))
        except OSError:
            return None

    def run(self, payload: str) -> tuple[int, str, str] | None:
        """(exit code, stdout, stderr) of the batch; None if this process was used or could not take it."""
        process, self._process = self._process, None
        if process is None:
            return None
        try:
            out, err = process.communicate(payload, timeout=RUN_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise ToolError(f"the IAM policy evaluator was still running after {RUN_TIMEOUT_SECONDS} s") from None
        except OSError:  # it ended before taking the batch: a run of its own says why
            process.kill()
            process.communicate()
            return None
        return process.returncode, out, err

    def stop(self) -> None:
        """End it unused (a run that had nothing to evaluate)."""
        process, self._process = self._process, None
        if process is not None:
            process.kill()
            process.communicate()


def _node_environment(home: Path) -> dict[str, str]:
    return {**os.environ, "NODE_PATH": str(home / "node_modules")}


def simulate(requests: Sequence[Request], cache: Path | None = None,
             prestarted: Prestarted | None = None) -> list[Verdict]:
    """Each request's verdict, in order, from one run of node (`prestarted`'s, if given and able to);
    SimulatorMissing if it cannot run here."""
    if not requests:
        return []
    home = install(cache)
    binary = shutil.which("node")
    if binary is None:
        raise SimulatorMissing("node is needed to evaluate IAM policies here, and is not installed")
    payload = json.dumps({"requests": [r.data() for r in requests]})
    entry = verdict_cache.key(payload, (EVALUATOR / "package.json", EVALUATOR / "package-lock.json", SCRIPT))
    verdict_cache.remember_asked(entry)
    answered = verdict_cache.kept(entry, len(requests))
    if answered is not None:
        if prestarted is not None:
            prestarted.stop()  # not needed: ended now rather than when the run ends
        return [_verdict(found) for found in answered]
    done = prestarted.run(payload) if prestarted is not None else None
    if done is None:
        try:
            ran = subprocess.run([binary, str(SCRIPT)], input=payload, capture_output=True, text=True,
                                 env=_node_environment(home), timeout=RUN_TIMEOUT_SECONDS, check=False)
        except (OSError, subprocess.SubprocessError) as error:
            raise ToolError(f"the IAM policy evaluator did not run: {error}") from None
        done = ran.returncode, ran.stdout, ran.stderr
    code, out, err = done
    if code != 0:
        raise ToolError(f"the IAM policy evaluator failed (exit {code}): {err.strip()[-2000:]}")
    verdicts = [_verdict(found) for found in json.loads(out)]
    verdict_cache.keep(entry, out)  # (only once every answer has been read)
    return verdicts


def answered_before() -> bool:
    """Whether the last batch asked from this folder is answered in the cache: node need not be started ahead."""
    return verdict_cache.answered_before()


def _verdict(found: Mapping[str, Any]) -> Verdict:
    errors = found.get("errors")
    return Verdict(str(found["result"]), "" if not errors else json.dumps(errors),
                   tuple(found.get("denied_by") or ()), tuple(found.get("missing_context") or ()))
