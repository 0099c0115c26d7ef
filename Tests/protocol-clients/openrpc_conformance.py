"""Validates JSON-RPC frames against an OpenRPC 1.3 document with `jsonschema` (JSON Schema draft 7, the
dialect OpenRPC 1.3 names), `$ref`s resolved through a `referencing` registry holding the document.

What each frame is checked against:
- a result: its method's `result.schema`;
- a notification or a server request: an object built from its method's `params` content descriptors
  (each `name` a property with its `schema`, `required: true` ones required, no other members: the
  descriptors are the whole list);
- an error: `code` must be listed by the document (`components.errors`, or the method's `errors`); a
  request's error must be one its method lists, except the codes about the message rather than the
  method (-32700, -32600, -32601, -32002); `data` must match the schema for that code (the
  `components.schemas` entry named after the error, e.g. `NotFound` -> `NotFoundData`, else the one whose
  description says it is the `data` of that code) and be absent when the document gives the code none.

Failures name the document location of the schema that refused the frame (`#/components/schemas/...`).
Members a frame has and no schema describes (allowed by JSON Schema where `additionalProperties` is not
given) are collected separately as notes.
"""

import json
import re
from collections import Counter, defaultdict

from jsonschema import Draft7Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

DOCUMENT_URI = "urn:agentwire:openrpc"
MESSAGE_LEVEL_CODES = {-32700, -32600, -32601, -32002}


def escape(token):
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape(token):
    return token.replace("~1", "/").replace("~0", "~")


class OpenRPCDocument:
    def __init__(self, path):
        with open(path) as file:
            self.doc = json.load(file)
        self.methods = {method["name"]: (index, method) for index, method in enumerate(self.doc["methods"])}
        self.errors = self.doc.get("components", {}).get("errors", {})
        self.schemas = self.doc.get("components", {}).get("schemas", {})
        self._validators = {}
        self.data_schema_of_code = self._map_error_data()
        self.registry = Registry().with_resource(DOCUMENT_URI, Resource(contents=self.doc, specification=DRAFT7))

    # MARK: Reading the document

    def resolve(self, pointer):
        """The value at a JSON pointer (`/components/schemas/X`) of the document."""
        value = self.doc
        for token in pointer.lstrip("/").split("/") if pointer.strip("/") else []:
            token = unescape(token)
            value = value[int(token)] if isinstance(value, list) else value[token]
        return value

    def resolve_schema(self, pointer):
        """The schema at `pointer`, following `$ref`s."""
        return self.resolve_schema_value(self.resolve(pointer))

    def resolve_schema_value(self, schema):
        while isinstance(schema, dict) and "$ref" in schema:
            schema = self.resolve(self.resolve_ref(schema["$ref"]))
        return schema

    def resolve_ref(self, ref):
        """A `$ref` of the document as a pointer into it."""
        if ref.startswith(DOCUMENT_URI):
            ref = ref[len(DOCUMENT_URI):]
        if not ref.startswith("#"):
            raise ValueError(f"a $ref outside the document: {ref}")
        return ref[1:]

    def tags(self, method):
        return {tag.get("name") or tag.get("$ref", "").rsplit("/", 1)[-1] for tag in method.get("tags", [])}

    def methods_tagged(self, tag):
        return [name for name, (_, method) in self.methods.items() if tag in self.tags(method)]

    def error_ref(self, ref_or_error):
        """An error object of a method's `errors` (a `$ref` to `components.errors` or inline)."""
        if "$ref" in ref_or_error:
            return self.resolve(self.resolve_ref(ref_or_error["$ref"]))
        return ref_or_error

    def document_codes(self):
        codes = {error["code"] for error in self.errors.values()}
        for _, method in self.methods.values():
            codes |= {self.error_ref(error)["code"] for error in method.get("errors", [])}
        return codes

    def method_codes(self, name):
        _, method = self.methods[name]
        return {self.error_ref(error)["code"] for error in method.get("errors", [])}

    def _map_error_data(self):
        """code -> pointer of the schema of its `data`: the schema named after the error (`NotFound` ->
        `NotFoundData`), else the ones whose description says they are the `data` of that code (several
        become one `anyOf`, kept beside the document's own members)."""
        mapping, candidates = {}, defaultdict(list)
        for name, error in self.errors.items():
            if f"{name}Data" in self.schemas:
                mapping[error["code"]] = f"/components/schemas/{name}Data"
        for name, schema in self.schemas.items():
            match = re.match(r"`data` of errors? ((?:-\d+(?:, | and )?)+)", schema.get("description", ""))
            if match:
                for code in re.findall(r"-\d+", match.group(1)):
                    candidates[int(code)].append(f"/components/schemas/{name}")
        for code, pointers in candidates.items():
            if code in mapping:
                continue
            if len(pointers) == 1:
                mapping[code] = pointers[0]
            else:
                self.doc.setdefault("x-conformance-data", {})[str(code)] = {
                    "anyOf": [{"$ref": f"#{pointer}"} for pointer in pointers]}
                mapping[code] = f"/x-conformance-data/{code}"
        return mapping

    def error_definition(self, code):
        return next((error for error in self.errors.values() if error["code"] == code), None)

    # MARK: Schemas for frames

    def validator(self, key, schema):
        if key not in self._validators:
            self._validators[key] = Draft7Validator(
                schema, registry=self.registry, format_checker=Draft7Validator.FORMAT_CHECKER
            )
        return self._validators[key]

    def result_pointer(self, name):
        index, method = self.methods[name]
        if "result" not in method:
            return None
        if "$ref" in method["result"]:  # a content descriptor kept in components.contentDescriptors
            return self.resolve_ref(method["result"]["$ref"]) + "/schema"
        return f"/methods/{index}/result/schema"

    def params_object(self, name):
        """(root schema, pointer of each param's schema) of a method's params, by name."""
        index, method = self.methods[name]
        properties, required, pointers = {}, [], {}
        for position, param in enumerate(method.get("params", [])):
            pointer = f"/methods/{index}/params/{position}/schema"
            if "$ref" in param:  # a content descriptor kept in components.contentDescriptors
                param_pointer = self.resolve_ref(param["$ref"])
                param = self.resolve(param_pointer)
                pointer = param_pointer + "/schema"
            properties[param["name"]] = {"$ref": f"{DOCUMENT_URI}#{pointer}"}
            pointers[param["name"]] = pointer
            if param.get("required"):
                required.append(param["name"])
        schema = {"type": "object", "properties": properties, "required": required, "additionalProperties": False}
        return schema, pointers

    def validate_at(self, instance, pointer):
        """Problems of `instance` against the schema at `pointer`: (instance path, document path, message)."""
        schema = {"$ref": f"{DOCUMENT_URI}#{pointer}"}
        validator = self.validator(("at", pointer), schema)
        return [self._problem(best_match([error]), schema, "") for error in validator.iter_errors(instance)]

    def validate_params(self, instance, name):
        schema, _ = self.params_object(name)
        _, method = self.methods[name]
        if isinstance(instance, list) and method.get("paramStructure") in ("by-position", "either"):
            names = [param.get("name") for param in method.get("params", [])]
            instance = dict(zip(names, instance)) if len(instance) <= len(names) else instance
        validator = self.validator(("params", name), schema)
        return [self._problem(best_match([error]), schema, f"params of {name}")
                for error in validator.iter_errors(instance)]

    def _problem(self, error, root, root_label):
        """(instance path, document location of the failing keyword, message), for the most relevant
        error (inside a `oneOf` or `anyOf`, the branch that came closest). The schema path is
        followed from the root, through every `$ref` on the way (draft 7 reports paths relative to the
        schema a `$ref` leads to), into the document."""
        schema, pointer, location = root, None, root_label
        for token in error.absolute_schema_path:
            node = self.resolve(pointer) if pointer is not None else schema
            while isinstance(node, dict) and "$ref" in node:
                pointer = self.resolve_ref(node["$ref"])
                node = self.resolve(pointer)
            if token == "$ref":
                continue
            if pointer is not None:
                pointer = f"{pointer}/{escape(token)}"
                location = "#" + pointer
            else:
                schema = node[token]
                location = f"{location}/{token}"
        path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        message = error.message if len(error.message) < 300 else error.message[:300] + "…"
        return (path, location, message)

    # MARK: Members no schema describes

    def undocumented(self, instance, pointer, path="$"):
        """Members of `instance` that the schema at `pointer` neither lists nor leaves open."""
        found = []
        self._walk(instance, pointer, path, found)
        return found

    def _collect(self, instance, pointer, into):
        schema = self.resolve(pointer)
        if not isinstance(schema, dict):
            return
        if "$ref" in schema:
            self._collect(instance, self.resolve_ref(schema["$ref"]), into)
            return
        into.append(pointer)
        for index, _ in enumerate(schema.get("allOf", [])):
            self._collect(instance, f"{pointer}/allOf/{index}", into)
        for keyword in ("oneOf", "anyOf"):
            for index, _ in enumerate(schema.get(keyword, [])):
                branch = f"{pointer}/{keyword}/{index}"
                if not self.validate_at(instance, branch):
                    self._collect(instance, branch, into)
        if "if" in schema:
            branch = "then" if not self.validate_at(instance, f"{pointer}/if") else "else"
            if branch in schema:
                self._collect(instance, f"{pointer}/{branch}", into)

    def _walk(self, instance, pointer, path, found):
        pointers = []
        self._collect(instance, pointer, pointers)
        schemas = [(p, self.resolve(p)) for p in pointers]
        if isinstance(instance, dict):
            described = [s for _, s in schemas if "properties" in s]
            open_ended = any("additionalProperties" in s or "patternProperties" in s for _, s in schemas)
            known = set()
            for _, schema in schemas:
                known |= set(schema.get("properties", {}))
            if described and not open_ended:
                found.extend(f"{path}.{key}" for key in instance if key not in known)
            for key, value in instance.items():
                for p, schema in schemas:
                    if key in schema.get("properties", {}):
                        self._walk(value, f"{p}/properties/{escape(key)}", f"{path}.{key}", found)
                    elif isinstance(schema.get("additionalProperties"), dict):
                        self._walk(value, f"{p}/additionalProperties", f"{path}.{key}", found)
        elif isinstance(instance, list):
            for p, schema in schemas:
                if isinstance(schema.get("items"), dict):
                    for index, item in enumerate(instance):
                        self._walk(item, f"{p}/items", f"{path}[{index}]", found)


class FrameValidator:
    """Validates every frame a server writes and keeps what was seen, for the coverage checks."""

    def __init__(self, document):
        self.document = document
        self.frames = Counter()  # (kind, method) -> frames seen
        self.problems = defaultdict(list)  # (kind, method, document path) -> [(instance path, message, excerpt)]
        self.undocumented = defaultdict(set)  # (kind, method) -> {member paths}
        self.notifications = Counter()
        self.server_requests = Counter()
        self.results = Counter()
        self.error_codes = Counter()
        self.errors_by_method = defaultdict(Counter)

    def problem(self, kind, method, location, path, message, frame):
        self.problems[(kind, method, location)].append((path, message, json.dumps(frame)[:400]))

    def frame(self, frame, method_of_id):
        """`method_of_id(id)` gives the method of the request a response answers (None if unknown)."""
        if isinstance(frame, list):
            if not frame:
                self.problem("envelope", None, "JSON-RPC 2.0", "$", "an empty array", frame)
            for member in frame:
                self.frame(member, method_of_id)
            return
        if not isinstance(frame, dict) or frame.get("jsonrpc") != "2.0":
            self.problem("envelope", None, "JSON-RPC 2.0", "$.jsonrpc", "not a JSON-RPC 2.0 object", frame)
            return
        if "method" in frame:
            self._request_or_notification(frame)
        elif "id" in frame and (("result" in frame) != ("error" in frame)):
            method = method_of_id(frame["id"]) if frame["id"] is not None else None
            if "result" in frame:
                self._result(frame, method)
            else:
                self._error(frame, method)
        else:
            self.problem("envelope", None, "JSON-RPC 2.0", "$", "neither a request, a notification nor a response",
                         frame)

    def _request_or_notification(self, frame):
        document = self.document
        method = frame["method"]
        is_request = "id" in frame
        kind = "server request" if is_request else "notification"
        self.frames[(kind, method)] += 1
        if method not in document.methods:
            self.problem(kind, method, "methods", "$.method", f"{method} is not in the document", frame)
            return
        tags = document.tags(document.methods[method][1])
        wanted = "server-request" if is_request else "server-notification"
        if wanted not in tags:
            self.problem(kind, method, f"methods[{method}].tags", "$.method",
                         f"sent by the server as a {kind}, but tagged {sorted(tags)}", frame)
        (self.server_requests if is_request else self.notifications)[method] += 1
        params = frame.get("params", {})
        for path, location, message in document.validate_params(params, method):
            self.problem(kind, method, location, path.replace("$", "$.params", 1), message, frame)
        _, pointers = document.params_object(method)
        if isinstance(params, dict):
            for key, value in params.items():
                if key in pointers:
                    for member in document.undocumented(value, pointers[key], f"$.params.{key}"):
                        self.undocumented[(kind, method)].add(member)

    def _result(self, frame, method):
        self.frames[("result", method)] += 1
        if method is None:
            self.problem("result", None, "id", "$.id", "a result for no request that was sent", frame)
            return
        pointer = self.document.result_pointer(method) if method in self.document.methods else None
        if pointer is None:
            self.problem("result", method, "methods", "$.result", f"{method} has no result in the document", frame)
            return
        self.results[method] += 1
        for path, location, message in self.document.validate_at(frame["result"], pointer):
            self.problem("result", method, location, path.replace("$", "$.result", 1), message, frame)
        for member in self.document.undocumented(frame["result"], pointer, "$.result"):
            self.undocumented[("result", method)].add(member)
        if method == "run/events" and isinstance(frame["result"], dict):
            for index, event in enumerate(frame["result"].get("events", [])):
                self._recorded_event(event, index, frame)

    def _recorded_event(self, event, index, frame):
        """An event a run/events page returns is a notification as it was sent: its params must match."""
        method = event.get("method") if isinstance(event, dict) else None
        self.frames[("recorded event", method)] += 1
        if method not in self.document.methods:
            self.problem("recorded event", method, "methods", f"$.result.events[{index}].method",
                         f"{method} is not in the document", frame)
            return
        for path, location, message in self.document.validate_params(event.get("params", {}), method):
            self.problem("recorded event", method, location,
                         path.replace("$", f"$.result.events[{index}].params", 1), message, frame)

    def _error(self, frame, method):
        document = self.document
        error = frame["error"]
        code = error.get("code") if isinstance(error, dict) else None
        self.frames[("error", method)] += 1
        label = f"error {code}"
        if not isinstance(error, dict) or not isinstance(code, int) or not isinstance(error.get("message"), str):
            self.problem("error", method, "JSON-RPC 2.0 error object", "$.error",
                         "an error needs an integer code and a string message", frame)
            return
        self.error_codes[code] += 1
        self.errors_by_method[method][code] += 1
        if code not in document.document_codes():
            self.problem("error", method, "#/components/errors", "$.error.code",
                         f"{code} is not an error code the document lists", frame)
        elif (method in document.methods and code not in MESSAGE_LEVEL_CODES
              and code not in document.method_codes(method)):
            index, _ = document.methods[method]
            self.problem("error", method, f"#/methods/{index}/errors", "$.error.code",
                         f"{code} is not among the errors of {method} {sorted(document.method_codes(method))}", frame)
        pointer = document.data_schema_of_code.get(code)
        if pointer is not None:
            if "data" not in error:
                definition = document.error_definition(code) or {}
                if "data" in definition:
                    self.problem("error", method, "#" + pointer, "$.error.data", f"{label} without data", frame)
            else:
                for path, location, message in document.validate_at(error["data"], pointer):
                    self.problem("error", method, location, path.replace("$", "$.error.data", 1), message, frame)
                for member in document.undocumented(error["data"], pointer, "$.error.data"):
                    self.undocumented[(label, method)].add(member)
        elif "data" in error:
            definition = document.error_definition(code)
            if definition is not None and "data" not in definition:
                self.problem("error", method, f"#/components/errors (code {code})", "$.error.data",
                             f"the document gives {label} no data, the server sent {json.dumps(error['data'])[:200]}",
                             frame)

    def document_examples(self):
        """Problems of the document's own examples against its schemas: (where, path, location, message)."""
        found = []
        document = self.document
        for name, (index, method) in document.methods.items():
            for number, example in enumerate(method.get("examples", [])):
                where = f"#/methods/{index}/examples/{number} ({name})"
                if "params" in example and isinstance(example["params"], list):
                    params = {p["name"]: p.get("value") for p in example["params"] if "name" in p}
                    for path, location, message in document.validate_params(params, name):
                        found.append((where, path, location, message))
                result = example.get("result")
                pointer = document.result_pointer(name)
                if isinstance(result, dict) and "value" in result and pointer:
                    for path, location, message in document.validate_at(result["value"], pointer):
                        found.append((where, path.replace("$", "$.result", 1), location, message))
        for name, error in document.errors.items():
            pointer = document.data_schema_of_code.get(error["code"])
            if "data" in error and pointer is None:
                found.append((f"#/components/errors/{name}", "$.data", "-", "no schema describes this data"))
            elif "data" in error:
                for path, location, message in document.validate_at(error["data"], pointer):
                    found.append((f"#/components/errors/{name}", path.replace("$", "$.data", 1), location, message))
        return found

    def report(self, checks, strict_members=False):
        """One check per kind of frame seen, failing with the distinct problems found."""
        by_kind = defaultdict(list)
        for (kind, method, location), items in sorted(self.problems.items(), key=lambda item: str(item[0])):
            by_kind[(kind, method)].append((location, items))
        for (kind, method), count in sorted(self.frames.items(), key=lambda item: str(item[0])):
            problems = by_kind.pop((kind, method), [])
            detail = "; ".join(
                f"{len(items)}x {items[0][0]} {items[0][1]} (schema {location}); frame {items[0][2]}"
                for location, items in problems
            )
            checks.check(f"every {kind} frame of {method or '(no method)'} validates ({count} frames)",
                         not problems, detail)
        for (kind, method), problems in by_kind.items():
            detail = "; ".join(f"{items[0][0]} {items[0][1]} ({location}); frame {items[0][2]}"
                               for location, items in problems)
            checks.check(f"{kind} frames of {method or '(no method)'} are well formed", False, detail)
        for (kind, method), members in sorted(self.undocumented.items(), key=lambda item: str(item[0])):
            text = f"{kind} of {method}: members no schema describes: {', '.join(sorted(members))}"
            if strict_members:
                checks.check(text, False, "")
            else:
                checks.note(text)
