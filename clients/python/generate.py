#!/usr/bin/env python3
"""Generate agentwire/_generated.py from the protocol's OpenRPC document.

    python clients/python/generate.py            # (re)write agentwire/_generated.py
    python clients/python/generate.py --check    # exit 1 if the committed file is stale

The document is schemas/openrpc.json at the top of the repository (`--schema PATH` to use another). What
is generated, all from the document:

- one dataclass per server notification (`run/token` -> `RunToken`), its fields the notification's params
  in snake_case, with their descriptions;
- the result types (`AgentRunResult`, `WorkflowRunResult` and their common base `RunResult`, `Usage`,
  `BranchResult`, `AgentInfo`, ...) and `PermissionRequest`, the params of the server's `permission/request`;
- one exception class per error of `components.errors` (`InvalidParams`, `Timeout`, ...), with a property
  per member of its `data`, the `NotFound` subclasses per kind of `data` (`UnknownAgent`, ...), and the
  code -> class map;
- the params each method declares and the members of `StreamOptions`, so that keyword options are put
  where the server expects them.

Only the standard library is used. The output is deterministic: the same document gives the same file.
"""

from __future__ import annotations

import argparse
import difflib
import os
import json
import keyword
import re
import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SCHEMA = HERE.parent.parent / "schemas" / "openrpc.json"
OUTPUT = HERE / "agentwire" / "_generated.py"
PYPROJECT = HERE / "pyproject.toml"
WIDTH = 110

# Schemas of components.schemas that become dataclasses, besides the notifications (in this order; a class
# must come after the classes its fields use).
RESULT_SCHEMAS = [
    "Usage", "BranchResult", "AgentInfo", "WorkflowInfo", "PermissionOption", "ServerInfo",
    "InitializeResult", "SessionNewResult", "RunStartResult", "RunCancelResult", "RunEventsFollowResult",
    "RunError", "RunStepState", "RunInfo", "RunDetails",
]
# Descriptions for schemas the document gives none.
DESCRIPTIONS = {"PermissionOption": "One of the choices a `permission/request` offers; answer with its `option_id`."}
# The two run results share a generated base class made of the members they have in common.
RUN_RESULTS = ["AgentRunResult", "WorkflowRunResult"]
RUN_RESULT_BASE = "RunResult"
# Server requests whose params become a dataclass, and its name.
SERVER_REQUESTS = {"permission/request": "PermissionRequest"}


# MARK: Names and text


def snake(name: str) -> str:
    """`runId` -> `run_id`, `startTimeUnixNano` -> `start_time_unix_nano`, `_meta` -> `meta`."""
    name = name.lstrip("_")
    out = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()
    return out + "_" if keyword.iskeyword(out) else out


def class_name_of_method(method: str) -> str:
    """`run/token` -> `RunToken`, `permission/request` -> `PermissionRequest`."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[/_\-]", method) if part)


def doc_lines(text: str, indent: str, width: int = WIDTH) -> list[str]:
    """Wrap a description (paragraphs kept) for a docstring or comment at `indent`."""
    out: list[str] = []
    for i, paragraph in enumerate(p for p in (text or "").split("\n\n") if p.strip()):
        if i:
            out.append("")
        out.extend(textwrap.wrap(" ".join(paragraph.split()), width - len(indent),
                                 break_long_words=False, break_on_hyphens=False))
    return [indent + line if line else "" for line in out]


def docstring(text: str, indent: str) -> list[str]:
    lines = doc_lines(text.replace("\\", "\\\\").replace('"""', "'''"), indent)
    if not lines:
        return []
    if len(lines) == 1 and len(lines[0]) + 6 <= WIDTH:
        return [f'{indent}"""{lines[0].strip()}"""']
    return [f'{indent}"""'] + lines + [f'{indent}"""']


def comment(text: str, indent: str) -> list[str]:
    """`#:` comments (the form Sphinx autodoc reads as an attribute's documentation)."""
    return [line or f"{indent}#:" for line in doc_lines(text, indent + "#: ")]


def q(value) -> str:
    """A Python literal of a string, or a tuple of strings, in double quotes."""
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(json.dumps(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return json.dumps(value)


# MARK: Schema access


class Document:
    def __init__(self, doc: dict):
        self.doc = doc
        self.schemas: dict = doc["components"]["schemas"]
        self.errors: dict = doc["components"]["errors"]
        self.methods: list = doc["methods"]
        self.generated: set[str] = set()  # schema names that have a generated class

    def resolve(self, schema: dict) -> tuple[str | None, dict]:
        """(the referenced schema's name or None, the schema with a lone `$ref`/`allOf: [$ref]` followed)."""
        name = None
        while True:
            if "$ref" in schema:
                name = schema["$ref"].rsplit("/", 1)[-1]
                schema = self.schemas[name]
            elif list(schema.get("allOf", [])) and len(schema["allOf"]) == 1 and "$ref" in schema["allOf"][0] \
                    and "properties" not in schema:
                schema = schema["allOf"][0]
            else:
                return name, schema

    def methods_tagged(self, tag: str) -> list[dict]:
        return [m for m in self.methods if any(t.get("name") == tag for t in m.get("tags", []))]

    def object_members(self, schema: dict) -> list[tuple[str, dict, bool]]:
        """[(name, schema, required)] of an object schema, members of `allOf` parts included."""
        members: dict[str, tuple[dict, bool]] = {}
        required: set[str] = set(schema.get("required", []))
        for part in schema.get("allOf", []):
            _, sub = self.resolve(part)
            if sub.get("type") == "object" or "properties" in sub:
                for name, sub_schema, sub_required in self.object_members(sub):
                    members.setdefault(name, (sub_schema, sub_required))
        for name, sub_schema in schema.get("properties", {}).items():
            members[name] = (sub_schema, name in required or members.get(name, ({}, False))[1])
        return [(n, s, r or n in required) for n, (s, r) in members.items()]

    # Python annotations for a schema, and how a value of it is converted from JSON.

    def annotation(self, schema: dict) -> str:
        name, resolved = self.resolve(schema)
        if name in self.generated:
            return name
        if "enum" in resolved and all(isinstance(v, str) for v in resolved["enum"]):
            return "Literal[" + ", ".join(json.dumps(v) for v in resolved["enum"]) + "]"
        if "const" in resolved and isinstance(resolved["const"], str):
            return f"Literal[{json.dumps(resolved['const'])}]"
        for key in ("oneOf", "anyOf"):
            if key in resolved:
                return " | ".join(dict.fromkeys(self.annotation(s) for s in resolved[key]))
        kind = resolved.get("type")
        if isinstance(kind, list):
            return " | ".join(dict.fromkeys(self.annotation({**resolved, "type": k}) for k in kind))
        if kind == "array":
            return f"list[{self.annotation(resolved.get('items', {}))}]"
        return {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None",
                "object": "dict[str, Any]"}.get(kind, "Any")

    def converter(self, schema: dict, expr: str) -> str:
        """Python expression converting the JSON value `expr` (known not to be None) to the annotation."""
        name, resolved = self.resolve(schema)
        if name in self.generated:
            return f"{name}.from_dict({expr})"
        if resolved.get("type") == "array":
            item_name, _ = self.resolve(resolved.get("items", {}))
            if item_name in self.generated:
                return f"[{item_name}.from_dict(item) for item in {expr}]"
        return expr


# MARK: Dataclasses


class Field:
    def __init__(self, wire: str, schema: dict, required: bool, description: str):
        self.wire = wire
        self.name = snake(wire)
        self.schema = schema
        self.required = required
        self.description = description


def fields_of_params(params: list[dict]) -> list[Field]:
    return [Field(p["name"], p.get("schema", {}), bool(p.get("required")),
                  p.get("description") or p.get("schema", {}).get("description", "")) for p in params]


def fields_of_schema(doc: Document, schema: dict) -> list[Field]:
    out = []
    for wire, sub, required in doc.object_members(schema):
        description = sub.get("description") or doc.resolve(sub)[1].get("description", "")
        out.append(Field(wire, sub, required, description))
    return out


def ordered(fields: list[Field]) -> list[Field]:
    """Required fields first (a dataclass needs them before the defaulted ones), each group in wire order."""
    return [f for f in fields if f.required] + [f for f in fields if not f.required]


def emit_dataclass(doc: Document, name: str, base: str | None, description: str, fields: list[Field],
                   own: list[Field], extra_class_lines: list[str] | None = None) -> list[str]:
    """`fields` are all the fields in __init__ order (inherited ones included); `own` the ones declared here."""
    lines = ["", "", "@dataclass(slots=True)", f"class {name}({base}):" if base else f"class {name}:"]
    lines += docstring(description, "    ")
    lines += extra_class_lines or []
    for f in own:
        lines += comment(f.description or f"`{f.wire}`.", "    ")
        annotation = doc.annotation(f.schema)
        if f.required:
            lines.append(f"    {f.name}: {annotation}")
        else:
            lines.append(f"    {f.name}: {annotation} | None = None")
    if not own and not extra_class_lines:
        lines.append("    pass")
    lines += ["", "    @classmethod", f"    def from_dict(cls, d: dict[str, Any]) -> {name}:",
              '        """Build one from its JSON object (members it does not know are ignored)."""']
    args = []
    for f in fields:
        get = f"d.get({q(f.wire)})"
        converted = doc.converter(f.schema, "v")
        if converted == "v":
            args.append(get)
        else:
            args.append(f"{doc.converter(f.schema, f'd[{q(f.wire)}]')} if {get} is not None else None")
    call = "        return cls(" + ", ".join(args) + ")"
    if len(call) <= WIDTH:
        lines.append(call)
    else:
        lines.append("        return cls(")
        lines += [f"            {a}," for a in args]
        lines.append("        )")
    return lines


def emit_events(doc: Document) -> tuple[list[str], list[tuple[str, str]]]:
    lines = ["", "", "# MARK: Run notifications (server -> client), one class per method", "",
             "", "class RunEvent:",
             '    """Base of every run notification: each has `run_id` and `seq` and the class attribute `method`."""',
             "", "    __slots__ = ()", "    method: ClassVar[str] = \"\""]
    table = []
    for method in doc.methods_tagged("server-notification"):
        name = class_name_of_method(method["name"])
        fields = fields_of_params(method.get("params", []))
        description = f"`{method['name']}`: {method.get('summary', '')}\n\n{method.get('description', '')}"
        lines += emit_dataclass(doc, name, "RunEvent", description, ordered(fields), ordered(fields),
                                [f"    method: ClassVar[str] = {q(method['name'])}", ""])
        table.append((method["name"], name))
    return lines, table


def emit_results(doc: Document) -> list[str]:
    lines = ["", "", "# MARK: Results and other objects"]
    for name in RESULT_SCHEMAS:
        schema = doc.schemas[name]
        fields = ordered(fields_of_schema(doc, schema))
        doc.generated.add(name)
        description = schema.get("description") or DESCRIPTIONS.get(name, f"The protocol's `{name}`.")
        lines += emit_dataclass(doc, name, None, description, fields, fields)
    # The run results: a common base made of the members both have (required in both), then each.
    per_result = {name: fields_of_schema(doc, doc.schemas[name]) for name in RUN_RESULTS}
    first = per_result[RUN_RESULTS[0]]
    common = [f for f in first if all(any(g.wire == f.wire and g.required and f.required for g in per_result[other])
                                      for other in RUN_RESULTS[1:])]
    common_wires = {f.wire for f in common}
    doc.generated.add(RUN_RESULT_BASE)
    lines += emit_dataclass(doc, RUN_RESULT_BASE, None,
                            "What every run ends with: the members " + ", ".join(f"`{f.wire}`" for f in common)
                            + " that " + " and ".join(f"`{n}`" for n in RUN_RESULTS)
                            + " share. A stream's last item is one of these.", common, common)
    for name in RUN_RESULTS:
        doc.generated.add(name)
        own = ordered([f for f in per_result[name] if f.wire not in common_wires])
        lines += emit_dataclass(doc, name, RUN_RESULT_BASE, doc.schemas[name].get("description", name),
                                common + own, own)
    return lines


def emit_server_requests(doc: Document) -> list[str]:
    lines = ["", "", "# MARK: Requests the server sends"]
    for method in doc.methods_tagged("server-request"):
        name = SERVER_REQUESTS.get(method["name"])
        if not name:
            continue
        fields = ordered(fields_of_params(method.get("params", [])))
        description = f"Params of `{method['name']}`: {method.get('summary', '')}\n\n{method.get('description', '')}"
        lines += emit_dataclass(doc, name, None, description, fields, fields,
                                [f"    method: ClassVar[str] = {q(method['name'])}", ""])
        doc.generated.add(name)
    return lines


# MARK: Errors


def error_members(doc: Document, data_schema: dict) -> list[Field]:
    _, resolved = doc.resolve(data_schema)
    return fields_of_schema(doc, resolved)


def emit_property(doc: Document, f: Field) -> list[str]:
    annotation = doc.annotation(f.schema)
    return ["", "    @property", f"    def {f.name}(self) -> {annotation} | None:"] \
        + docstring(f.description or f"`data.{f.wire}`.", "        ") \
        + [f"        return self.data.get({q(f.wire)})"]


# `AgentWireError` has these: its own attributes, and properties for the members of `ErrorData` that
# most errors share (generated classes do not repeat them).
RESERVED_PROPERTIES = {"code", "message", "data", "args"}


def emit_errors(doc: Document) -> tuple[list[str], list[tuple[int, str]], list[tuple[int, list[str], str]]]:
    lines = ["", "", "# MARK: Errors, one class per code of components.errors"]
    by_code: list[tuple[int, str]] = []
    kinds: list[tuple[int, list[str], str]] = []
    data_titles = {}
    for schema_name, schema in doc.schemas.items():
        match = re.fullmatch(r"(.+)Data", schema_name)
        if match:
            data_titles[match.group(1)] = schema_name
    reserved = RESERVED_PROPERTIES | {snake(f.wire) for f in fields_of_schema(doc, doc.schemas["ErrorData"])}
    for name, error in doc.errors.items():
        code = error["code"]
        data_schema_name = data_titles.get(name)
        if data_schema_name is None:
            # Errors sharing a data schema (-32700, -32600 and -32603 use DetailData): find it by the code.
            for schema_name, schema in doc.schemas.items():
                if schema_name.endswith("Data") and f"{code}" in schema.get("description", "") \
                        and "oneOf" not in schema:
                    data_schema_name = schema_name
                    break
        data_schema = doc.schemas.get(data_schema_name, {}) if data_schema_name else {}
        description = f"{code} {error['message']}."
        if data_schema.get("description"):
            description += "\n\n" + data_schema["description"]
        if "data" in error:
            description += "\n\nExample `data`: `" + json.dumps(error["data"]) + "`"
        lines += ["", "", f"class {name}(AgentWireError):"] + docstring(description, "    ")
        lines += ["", f"    code = {code}"]
        members = error_members(doc, data_schema) if "oneOf" not in data_schema else \
            fields_of_schema(doc, doc.schemas["ErrorData"])
        for f in members:
            if f.name not in reserved:
                lines += emit_property(doc, f)
        by_code.append((code, name))
        # An error whose data is one of several kinds gets a subclass per kind, told apart by the members
        # the kind requires beyond the common ones (NotFoundData -> UnknownAgent, UnknownWorkflow, ...).
        for option in data_schema.get("oneOf", []):
            kind_name, kind_schema = doc.resolve(option)
            own_required = set(kind_schema.get("required", []))
            own = [Field(wire, sub, wire in own_required, sub.get("description", ""))
                   for wire, sub in kind_schema.get("properties", {}).items()]
            distinguishing = [f.wire for f in own if f.required]
            base_word = re.sub(r"NotFoundData$", "", kind_name or "")
            sub_name = f"Unknown{base_word}" if base_word != kind_name else f"{name}{kind_name}"
            lines += ["", "", f"class {sub_name}({name}):"]
            lines += docstring(f"{code} {error['message']}: {kind_schema.get('description', '')}", "    ")
            own = [f for f in own if f.name not in reserved]
            for f in own:
                lines += emit_property(doc, f)
            if not own:
                lines.append("    pass")
            kinds.append((code, distinguishing, sub_name))
    return lines, by_code, kinds


# MARK: The file


HEADER = '''\
# Generated by clients/python/generate.py from schemas/openrpc.json: do not edit by hand.
# Regenerate with `python clients/python/generate.py`; `--check` fails when this file is stale.
"""Types generated from AgentWire's OpenRPC document ({title} {version}, OpenRPC {openrpc}).

Run notifications are dataclasses with `__slots__` (one per notification method, fields in snake_case),
results are dataclasses too, and every documented error code has an exception class. Every class has a
`from_dict` that reads the JSON object the server sends (members it does not know are ignored).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from ._errors import AgentWireError

SCHEMA_VERSION = "{version}"
"""The server version the document describes (and this package's version)."""
PROTOCOL_VERSION = "{protocol}"
"""The protocol version `initialize` reports."""'''


def generate(schema_path: Path) -> str:
    raw = json.loads(schema_path.read_text(encoding="utf-8"))
    doc = Document(raw)
    protocol = doc.schemas["InitializeResult"]["properties"]["protocolVersion"].get("const", "")
    out = [HEADER.format(title=raw["info"]["title"], version=raw["info"]["version"], openrpc=raw["openrpc"],
                         protocol=protocol)]
    # Results first: notifications use some of them (Usage in run/step).
    results = emit_results(doc)
    events, event_table = emit_events(doc)
    requests = emit_server_requests(doc)
    errors, by_code, kinds = emit_errors(doc)
    out += results + events + requests + errors

    out += ["", "", "# MARK: Tables", ""]
    out.append("EVENT_TYPES: dict[str, type[RunEvent]] = {")
    out += [f"    {q(method)}: {name}," for method, name in event_table]
    out.append("}")
    out.append('"""Notification method -> its event class."""')
    out.append("")
    out.append("ERRORS_BY_CODE: dict[int, type[AgentWireError]] = {")
    out += [f"    {code}: {name}," for code, name in by_code]
    out.append("}")
    out.append('"""Error code -> its exception class."""')
    out.append("")
    out.append("ERROR_KINDS: dict[int, tuple[tuple[tuple[str, ...], type[AgentWireError]], ...]] = {")
    grouped: dict[int, list[tuple[list[str], str]]] = {}
    for code, members, name in kinds:
        grouped.setdefault(code, []).append((members, name))
    for code, options in grouped.items():
        out.append(f"    {code}: (")
        out += [f"        ({q(members)}, {name})," for members, name in options]
        out.append("    ),")
    out.append("}")
    out.append('"""Error code -> (data members that tell the kind, its subclass): the first whose members are all'
               ' in `data`."""')
    out.append("")

    results_by_method = {}
    params_by_method = {}
    for method in doc.methods:
        if not any(t.get("name") == "client-request" for t in method.get("tags", [])):
            continue
        params_by_method[method["name"]] = tuple(p["name"] for p in method.get("params", []))
        result_name, _ = doc.resolve(method.get("result", {}).get("schema", {}))
        if result_name in doc.generated:
            results_by_method[method["name"]] = result_name
    out.append("RESULT_TYPES: dict[str, Any] = {")
    out += [f"    {q(method)}: {name}," for method, name in results_by_method.items()]
    out.append("}")
    out.append('"""Request method -> the class of its result, where one is generated."""')
    out.append("")
    out.append("METHOD_PARAMS: dict[str, tuple[str, ...]] = {")
    for method, params in params_by_method.items():
        out.append(f"    {q(method)}: {q(params)},")
    out.append("}")
    out.append('"""Request method -> the params it declares (the server refuses others with -32602)."""')
    out.append("")
    stream = tuple(doc.schemas["StreamOptions"]["properties"])
    out.append(f"STREAM_OPTIONS: tuple[str, ...] = {q(stream)}")
    out.append('"""Members of `StreamOptions`: a keyword option naming one goes into the `stream` param."""')
    out.append("")
    out.append("__all__ = [")
    names = sorted({"RunEvent", RUN_RESULT_BASE, *doc.generated, *(n for _, n in event_table),
                    *(n for _, n in by_code), *(n for _, _, n in kinds)})
    out += [f"    {q(n)}," for n in names]
    out.append("]")
    return "\n".join(out) + "\n"


def pyproject_version() -> str | None:
    match = re.search(r'^version\s*=\s*"([^"]+)"', PYPROJECT.read_text(encoding="utf-8"), re.M)
    return match.group(1) if match else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file is stale")
    parser.add_argument("--schema", type=Path, default=DEFAULT_SCHEMA, help="the OpenRPC document")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write the module")
    args = parser.parse_args(argv)
    text = generate(args.schema)
    version = json.loads(args.schema.read_text(encoding="utf-8"))["info"]["version"]
    problems = []
    if pyproject_version() != version:
        problems.append(f"{PYPROJECT.name} has version {pyproject_version()!r} but {args.schema} describes "
                        f"{version!r}: set the package's version to the server's")
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            diff = list(difflib.unified_diff(current.splitlines(), text.splitlines(), str(args.output),
                                             "generated", lineterm="", n=1))
            problems.insert(0, f"{args.output} is stale: it differs from what {args.schema} generates "
                               f"({len(diff)} diff lines). Run: python {os.path.relpath(__file__)}")
            sys.stderr.write("\n".join(diff[:40]) + ("\n…\n" if len(diff) > 40 else "\n"))
        for problem in problems:
            print(f"generate.py --check: {problem}", file=sys.stderr)
        if problems:
            return 1
        print(f"{args.output} is up to date with {args.schema}")
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({len(text.splitlines())} lines)")
    for problem in problems:
        print(f"generate.py: warning: {problem}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
