"""The generated module is up to date with the schema, the generator notices when it is not, and the package
installs offline with pip."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import agentwire
from agentwire import EVENT_TYPES, RunEvent, RunToken

CLIENT = Path(__file__).resolve().parent.parent
SCHEMA = CLIENT.parent.parent / "schemas" / "openrpc.json"
GENERATE = CLIENT / "generate.py"


def test_the_generated_module_is_up_to_date():
    result = subprocess.run([sys.executable, str(GENERATE), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_check_fails_on_a_stale_file(tmp_path):
    stale = tmp_path / "_generated.py"
    stale.write_text((CLIENT / "agentwire" / "_generated.py").read_text().replace("A piece of run output.", "old"))
    result = subprocess.run([sys.executable, str(GENERATE), "--check", "--output", str(stale)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "is stale" in result.stderr and "generate.py" in result.stderr


def test_a_changed_schema_changes_the_module(tmp_path):
    document = json.loads(SCHEMA.read_text())
    for method in document["methods"]:
        if method["name"] == "run/token":
            method["params"].append({"name": "logProb", "required": False, "schema": {"type": "number"},
                                     "description": "How sure the model was."})
    schema = tmp_path / "openrpc.json"
    schema.write_text(json.dumps(document))
    out = tmp_path / "_generated.py"
    subprocess.run([sys.executable, str(GENERATE), "--schema", str(schema), "--output", str(out)], check=True,
                   capture_output=True)
    text = out.read_text()
    assert "    log_prob: float | None = None" in text and "#: How sure the model was." in text


def test_every_server_notification_has_an_event_class():
    document = json.loads(SCHEMA.read_text())
    notifications = [m for m in document["methods"] if {"name": "server-notification"} in m["tags"]]
    assert sorted(EVENT_TYPES) == sorted(m["name"] for m in notifications)
    for method in notifications:
        cls = EVENT_TYPES[method["name"]]
        assert issubclass(cls, RunEvent) and cls.method == method["name"] and hasattr(cls, "__slots__")
        wire = {p["name"] for p in method["params"]}
        assert {f.name for f in dataclasses.fields(cls)} == {agentwire_snake(n) for n in wire}
    token = RunToken.from_dict({"runId": "r", "seq": 3, "agent": "echo", "stepId": "1", "text": "hi ", "new": 1})
    assert token == RunToken("r", 3, "echo", "1", "hi ")


def agentwire_snake(name: str) -> str:
    sys.path.insert(0, str(CLIENT))
    from generate import snake
    return snake(name)


def test_the_version_is_the_servers():
    document = json.loads(SCHEMA.read_text())
    assert agentwire.__version__ == document["info"]["version"]
    assert f'version = "{agentwire.__version__}"' in (CLIENT / "pyproject.toml").read_text()


def test_the_wheel_holds_the_package(tmp_path):
    sys.path.insert(0, str(CLIENT / "_build"))
    import agentwire_build
    name = agentwire_build.build_wheel(str(tmp_path))
    with zipfile.ZipFile(tmp_path / name) as wheel:
        names = set(wheel.namelist())
        metadata = wheel.read(f"agentwire-{agentwire.__version__}.dist-info/METADATA").decode()
    assert name == f"agentwire-{agentwire.__version__}-py3-none-any.whl"
    assert {"agentwire/__init__.py", "agentwire/_generated.py", "agentwire/_client.py", "agentwire/py.typed"} <= names
    assert not any("__pycache__" in n for n in names)
    assert "Requires-Python: >=3.10" in metadata and "Requires-Dist" not in metadata
    sdist = agentwire_build.build_sdist(str(tmp_path))
    assert sdist == f"agentwire-{agentwire.__version__}.tar.gz"


def test_pip_installs_it_offline_in_a_fresh_venv(tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    environment["PIP_NO_INDEX"] = "1"  # offline: nothing may be downloaded
    result = subprocess.run([str(python), "-m", "pip", "install", "--no-index", "--disable-pip-version-check",
                             str(CLIENT)], capture_output=True, text=True, env=environment, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    check = subprocess.run([str(python), "-c", "import agentwire, sys; print(agentwire.__version__, agentwire.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    version, path = check.stdout.split()
    assert version == agentwire.__version__ and str(env_dir) in path
