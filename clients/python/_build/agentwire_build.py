"""A minimal PEP 517 / PEP 660 build backend for the `agentwire` package, standard library only.

pyproject.toml names it with `backend-path = ["_build"]` and `requires = []`, so pip builds the package
without downloading anything: `pip install ./clients/python` works offline, in any venv. It builds a
pure-Python wheel (`py3-none-any`) of the `agentwire/` package, an sdist, and an editable wheel (a `.pth`
file pointing at this folder) for `pip install -e`. Metadata comes from pyproject.toml's `[project]` table.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import tarfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "agentwire"
SDIST_FILES = ["pyproject.toml", "README.md", "generate.py", "bench.py", "_build/agentwire_build.py"]
SDIST_DIRS = ["agentwire", "tests"]
# Zip entries need a date from 1980 on; SOURCE_DATE_EPOCH makes builds reproducible.
EPOCH = max(int(os.environ.get("SOURCE_DATE_EPOCH", "315532800")), 315532800)


# MARK: pyproject.toml


def _project() -> dict:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    try:
        import tomllib  # Python 3.11+
    except ModuleNotFoundError:  # Python 3.10: the few forms [project] uses here
        return _read_project_table(text)
    return tomllib.loads(text)["project"]


def _read_project_table(text: str) -> dict:
    """Strings, arrays of strings (possibly over several lines) and comments, in the [project] table."""
    project: dict = {}
    section = None
    lines = iter(text.splitlines())
    for line in lines:
        line = line.split(" #", 1)[0].strip() if not line.strip().startswith("#") else ""
        if not line:
            continue
        if line.startswith("["):
            section = line.strip("[]").strip()
            continue
        if section != "project" or "=" not in line:
            continue
        key, value = (part.strip() for part in line.split("=", 1))
        if value.startswith("[") and not value.endswith("]"):
            for more in lines:
                value += more.split(" #", 1)[0].strip()
                if value.endswith("]"):
                    break
        if value.startswith("["):
            project[key] = re.findall(r'"((?:[^"\\]|\\.)*)"', value)
        else:
            project[key] = value.strip('"')
    return project


def _metadata() -> str:
    project = _project()
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {project['version']}",
        f"Summary: {project.get('description', '')}",
        f"Requires-Python: {project.get('requires-python', '>=3.10')}",
    ]
    if project.get("keywords"):
        lines.append("Keywords: " + ",".join(project["keywords"]))
    lines += [f"Classifier: {c}" for c in project.get("classifiers", [])]
    lines += [f"Requires-Dist: {d}" for d in project.get("dependencies", [])]
    readme = ROOT / project.get("readme", "README.md")
    if readme.exists():
        lines.append("Description-Content-Type: text/markdown")
        return "\n".join(lines) + "\n\n" + readme.read_text(encoding="utf-8")
    return "\n".join(lines) + "\n"


def _name_version() -> tuple[str, str]:
    project = _project()
    return project["name"].replace("-", "_"), project["version"]


# MARK: Wheels


def _package_files() -> list[Path]:
    out = []
    for path in sorted((ROOT / PACKAGE).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
            out.append(path)
    return out


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def _write_wheel(directory: str, entries: list[tuple[str, bytes]]) -> str:
    name, version = _name_version()
    dist_info = f"{name}-{version}.dist-info"
    entries = list(entries) + [
        (f"{dist_info}/METADATA", _metadata().encode()),
        (f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: agentwire_build\nRoot-Is-Purelib: true\n"
                               b"Tag: py3-none-any\n"),
        (f"{dist_info}/top_level.txt", f"{PACKAGE}\n".encode()),
    ]
    record = [_record_line(n, d) for n, d in entries] + [f"{dist_info}/RECORD,,"]
    entries.append((f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode()))
    filename = f"{name}-{version}-py3-none-any.whl"
    stamp = time.gmtime(EPOCH)[:6]
    with zipfile.ZipFile(os.path.join(directory, filename), "w", zipfile.ZIP_DEFLATED) as wheel:
        for entry_name, data in entries:
            info = zipfile.ZipInfo(entry_name, stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(info, data)
    return filename


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    entries = [(path.relative_to(ROOT).as_posix(), path.read_bytes()) for path in _package_files()]
    return _write_wheel(wheel_directory, entries)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, [(f"__editable__.{PACKAGE}.pth", (str(ROOT) + "\n").encode())])


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    name, version = _name_version()
    dist_info = Path(metadata_directory) / f"{name}-{version}.dist-info"
    dist_info.mkdir(parents=True, exist_ok=True)
    (dist_info / "METADATA").write_text(_metadata(), encoding="utf-8")
    return dist_info.name


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


# MARK: sdist


def build_sdist(sdist_directory, config_settings=None):
    name, version = _name_version()
    base = f"{name}-{version}"
    files = [ROOT / f for f in SDIST_FILES if (ROOT / f).exists()]
    for directory in SDIST_DIRS:
        files += [p for p in sorted((ROOT / directory).rglob("*"))
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")]
    filename = f"{base}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz", format=tarfile.PAX_FORMAT) as sdist:
        def add(arcname: str, data: bytes) -> None:
            info = tarfile.TarInfo(f"{base}/{arcname}")
            info.size, info.mtime, info.mode = len(data), EPOCH, 0o644
            sdist.addfile(info, io.BytesIO(data))
        for path in files:
            add(path.relative_to(ROOT).as_posix(), path.read_bytes())
        add("PKG-INFO", _metadata().encode())
    return filename
