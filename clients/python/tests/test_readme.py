"""The README's examples run as they are; the permission example against a local fake model server, with the
config it names written beside it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from contextlib import nullcontext
from pathlib import Path

import pytest

from fake_model import FakeModel, weather_config

CLIENT = Path(__file__).resolve().parent.parent
BLOCKS = re.findall(r"```python\n(.*?)```", (CLIENT / "README.md").read_text(encoding="utf-8"), re.S)


def test_the_readme_has_examples():
    assert len(BLOCKS) >= 6


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example(index, binary, tmp_path):
    code = BLOCKS[index]
    needs_model = code.startswith("# needs:")
    with FakeModel() if needs_model else nullcontext() as model:
        if needs_model:
            (tmp_path / "agentwire.json").write_text(json.dumps(weather_config(model.base_url, sys.executable)))
        env = dict(os.environ, AGENTWIRE_BIN=binary, PYTHONPATH=str(CLIENT))
        result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                                text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    if needs_model:
        assert "forecaster wants to run weather" in result.stdout and "tool weather completed" in result.stdout
