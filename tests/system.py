"""Programs the tests need from the machine (Debian packages), installed with
apt-get when missing, and running them with their output on failure."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

APT_TIMEOUT = 900  # seconds, for apt-get update / install


def run(cmd: list[str], *, env: dict[str, str] | None = None, timeout: float) -> str:
    """Run a command without stdin; fail the test with its output if it does not succeed."""
    try:
        done = subprocess.run(
            cmd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{' '.join(cmd)} did not finish within {timeout} s:\n{exc.stdout}\n{exc.stderr}")
    if done.returncode != 0:
        pytest.fail(
            f"{' '.join(cmd)} exited with {done.returncode}:\n"
            f"--- stdout ---\n{done.stdout[-4000:]}\n--- stderr ---\n{done.stderr[-4000:]}"
        )
    return done.stdout


def debian_binary(path: Path, package: str) -> Path:
    """``path``, installing Debian's ``package`` with apt-get when it is missing.
    Absent afterwards means FAIL, not skip."""
    if not path.exists():
        apt_get = shutil.which("apt-get")
        if apt_get is None:
            pytest.fail(f"{path} is missing and apt-get is not available to install {package}")
        apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run([apt_get, "update"], env=apt_env, timeout=APT_TIMEOUT)
        run([apt_get, "install", "-y", "--no-install-recommends", package], env=apt_env, timeout=APT_TIMEOUT)
    if not path.exists():
        pytest.fail(f"{path} is still missing after apt-get install {package}")
    return path
