"""Fixtures of the client's tests. They run against a real agentwire binary: `$AGENTWIRE_BIN`, else the
repository's debug build, `.build/debug/agentwire`.

    AGENTWIRE_BIN=/path/to/agentwire python -m pytest clients/python/tests -q
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

CLIENT = Path(__file__).resolve().parent.parent
REPO = CLIENT.parent.parent
sys.path.insert(0, str(CLIENT))  # the package from this folder, installed or not
sys.path.insert(0, str(Path(__file__).resolve().parent))  # helpers, fake_model


def _binary() -> str:
    path = os.environ.get("AGENTWIRE_BIN") or str(REPO / ".build" / "debug" / "agentwire")
    if not os.access(path, os.X_OK):
        pytest.exit(f"no agentwire binary at {path}: build it (swift build) or set AGENTWIRE_BIN", returncode=2)
    return path


@pytest.fixture(scope="session")
def binary() -> str:
    return _binary()


@pytest.fixture
def write_config(tmp_path):
    """write_config({...}) -> the path of a config file with that content."""
    def write(config: dict, name: str = "agentwire.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(config), encoding="utf-8")
        return path
    return write


@pytest.fixture(scope="session", autouse=True)
def hermetic_config(tmp_path_factory):
    """No user config (`$XDG_CONFIG_HOME/agentwire/config.json`) reaches the servers the tests start."""
    previous = {name: os.environ.get(name) for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME")}
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("config"))
    os.environ["XDG_STATE_HOME"] = str(tmp_path_factory.mktemp("state"))
    yield
    for name, value in previous.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
