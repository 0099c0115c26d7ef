import JSONCore

extension SchemaValidator {
    /// Every reason `schema` cannot be used as written, at its path inside the schema
    /// (`$.properties.age.type`); empty when it can.
    ///
    /// A schema is an object or a boolean; `type` names known types; `properties`, `patternProperties`,
    /// `$defs` and `definitions` hold schemas; `required` lists strings; `allOf`, `anyOf`, `oneOf` and
    /// `prefixItems` are non-empty lists of schemas; `enum` is a list; numeric keywords are numbers (counts
    /// non-negative integers, `multipleOf` above zero); patterns compile; every `$ref` points to a schema
    /// in the same document, and no chain of `$ref`s (with `allOf`, `anyOf`, `oneOf`, `not`) leads back
    /// to where it started without moving into the value. Unknown keywords are not looked at.
    public static func problems(inSchema schema: JSONValue) -> [SchemaError] {
        var check = SchemaCheck(root: schema)
        check.run()
        return check.problems
    }
}

/// A walk over a schema document, noting what ``SchemaValidator/errors(_:schema:)`` could not use.
struct SchemaCheck {
    /// A place in the schema, as a path for messages and a JSON pointer to recognise it by, with the
    /// number of schemas it is nested in.
    struct Place {
        var path: String
        var pointer: String
        var depth: Int

        func member(_ key: String) -> Place {
            Place(
                path: SchemaValidator.memberPath(path, key),
                pointer: pointer + "/" + SchemaValidator.pointerToken(key),
                depth: depth
            )
        }

        func element(_ index: Int) -> Place {
            Place(path: "\(path)[\(index)]", pointer: "\(pointer)/\(index)", depth: depth)
        }
    }

    /// A subschema that applies to the same value as the schema it leaves from: through `allOf`,
    /// `anyOf`, `oneOf`, `not` or `$ref`.
    struct Edge {
        var target: String
        var path: String
        var isReference: Bool
    }

    let root: JSONValue
    private(set) var problems: [SchemaError] = []
    /// Pointers of the schemas checked so far.
    private var checked: Set<String> = []
    /// `$ref` targets, checked after the walk unless the walk reached them.
    private var targets: [(schema: JSONValue, place: Place)] = []
    private var edges: [String: [Edge]] = [:]
    /// What is left to check, last first: the walk keeps its own stack rather than recursing, so no
    /// schema is too deep for it.
    private var work: [Work] = []
    /// Subschemas found by the keyword being checked.
    private var found: [(schema: JSONValue, place: Place)] = []

    private enum Work {
        case schema(JSONValue, Place)
        case keyword(String, JSONValue, of: Place)
    }

    init(root: JSONValue) {
        self.root = root
    }

    mutating func run() {
        walk(root, at: Place(path: "$", pointer: "", depth: 0))
        while let target = targets.popLast() {
            if !checked.contains(target.place.pointer) { walk(target.schema, at: target.place) }
        }
        findLoops()
    }

    /// Checks `schema` and its subschemas in document order: a schema's keywords one by one, each
    /// keyword's subschemas before the next keyword.
    private mutating func walk(_ schema: JSONValue, at place: Place) {
        work = [.schema(schema, place)]
        while let next = work.popLast() {
            switch next {
            case .schema(let schema, let place):
                guard let object = check(schema, at: place) else { continue }
                work += object.members.reversed().map { .keyword($0.key, $0.value, of: place) }
            case .keyword(let keyword, let value, let place):
                check(keyword, value, of: place)
                work += found.reversed().map { .schema($0.schema, $0.place) }
                found = []
            }
        }
    }

    /// Notes a subschema the keyword being checked holds, to check next.
    private mutating func subschema(_ schema: JSONValue, at place: Place) {
        var place = place
        place.depth += 1
        found.append((schema, place))
    }

    private mutating func problem(_ place: Place, _ message: String) {
        problems.append(SchemaError(path: place.path, message: message))
    }

    /// The members of `schema` when it is an object to look into; a problem when it is not a schema.
    private mutating func check(_ schema: JSONValue, at place: Place) -> JSONObject? {
        guard place.depth <= SchemaValidator.maximumDepth else {
            problem(place, "nested more than \(SchemaValidator.maximumDepth) schemas deep")
            return nil
        }
        checked.insert(place.pointer)
        guard case .object(let object) = schema else {
            if schema.boolValue == nil {
                problem(place, "expected a schema (an object, true or false), got \(schema.typeName)")
            }
            return nil
        }
        return object
    }

    private mutating func check(_ keyword: String, _ value: JSONValue, of place: Place) {
        let at = place.member(keyword)
        switch keyword {
        case "type": checkType(value, at: at)
        case "properties", "patternProperties", "$defs", "definitions":
            guard case .object(let members) = value else {
                problem(at, "expected an object of schemas, got \(value.typeName)")
                return
            }
            for (name, member) in members.members {
                if keyword == "patternProperties", SchemaValidator.compilePattern(name) == nil {
                    problem(at.member(name), "not a valid regular expression")
                }
                subschema(member, at: at.member(name))
            }
        case "additionalProperties": subschema(value, at: at)
        case "items":
            if value.arrayValue != nil {
                problem(at, "expected a schema, got an array (schemas for the first items go in prefixItems)")
            } else {
                subschema(value, at: at)
            }
        case "not":
            edges[place.pointer, default: []].append(Edge(target: at.pointer, path: at.path, isReference: false))
            subschema(value, at: at)
        case "allOf", "anyOf", "oneOf", "prefixItems":
            guard case .array(let list) = value, !list.isEmpty else {
                problem(at, "expected a non-empty array of schemas, got \(Self.describe(value))")
                return
            }
            for (index, item) in list.enumerated() {
                let element = at.element(index)
                if keyword != "prefixItems" {
                    edges[place.pointer, default: []].append(
                        Edge(target: element.pointer, path: element.path, isReference: false)
                    )
                }
                subschema(item, at: element)
            }
        case "required":
            guard case .array(let names) = value else {
                problem(at, "expected an array of property names, got \(value.typeName)")
                return
            }
            for (index, name) in names.enumerated() where name.stringValue == nil {
                problem(at.element(index), "expected a property name (a string), got \(name.typeName)")
            }
        case "enum":
            if value.arrayValue == nil {
                problem(at, "expected an array of the allowed values, got \(value.typeName)")
            }
        case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
            if value.doubleValue == nil { problem(at, "expected a number, got \(value.typeName)") }
        case "multipleOf":
            if (value.doubleValue ?? 0) <= 0 {
                problem(at, "expected a number above 0, got \(Self.describe(value))")
            }
        case "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties":
            if (value.integerValue ?? -1) < 0 {
                problem(at, "expected a non-negative integer, got \(Self.describe(value))")
            }
        case "uniqueItems":
            if value.boolValue == nil { problem(at, "expected true or false, got \(value.typeName)") }
        case "pattern":
            if let pattern = value.stringValue {
                if SchemaValidator.compilePattern(pattern) == nil { problem(at, "not a valid regular expression") }
            } else {
                problem(at, "expected a regular expression (a string), got \(value.typeName)")
            }
        case "format":
            if value.stringValue == nil { problem(at, "expected a format name (a string), got \(value.typeName)") }
        case "$ref": checkReference(value, from: place, at: at)
        default: break
        }
    }

    private mutating func checkType(_ value: JSONValue, at place: Place) {
        let names: [(name: JSONValue, place: Place)]
        switch value {
        case .string: names = [(value, place)]
        case .array(let list) where !list.isEmpty: names = list.enumerated().map { ($1, place.element($0)) }
        default:
            return problem(place, "expected a type name or a non-empty array of them, got \(Self.describe(value))")
        }
        for (name, at) in names {
            guard let name = name.stringValue else {
                problem(at, "expected a type name (a string), got \(name.typeName)")
                continue
            }
            guard !SchemaValidator.typeNames.contains(name) else { continue }
            let known = SchemaValidator.typeNames.joined(separator: ", ")
            if let suggestion = NameSuggestion.closest(to: name, in: SchemaValidator.typeNames) {
                problem(at, "unknown type \"\(name)\" (did you mean \"\(suggestion)\"? types: \(known))")
            } else {
                problem(at, "unknown type \"\(name)\" (types: \(known))")
            }
        }
    }

    private mutating func checkReference(_ value: JSONValue, from place: Place, at: Place) {
        guard let reference = value.stringValue else {
            return problem(at, "expected a reference (a string such as \"#/$defs/name\"), got \(value.typeName)")
        }
        switch SchemaValidator.resolve(reference, in: root) {
        case .success(let target):
            edges[place.pointer, default: []].append(Edge(target: target.pointer, path: at.path, isReference: true))
            targets.append(
                (target.schema, Place(path: target.path, pointer: target.pointer, depth: place.depth + 1))
            )
        case .failure(let failure):
            problem(at, "\(JSONValue.string(reference).jsonString) cannot be resolved: \(failure.message)")
        }
    }

    /// Reports each loop of subschemas applied to the same value (which only `$ref` can close): one
    /// problem at a `$ref` of the loop. Depth-first, with its own stack rather than the call stack.
    private mutating func findLoops() {
        var finished: [String: Bool] = [:]  // false while on the stack
        for start in edges.keys.sorted() where finished[start] == nil {
            var stack: [(node: String, next: Int, via: Edge?)] = [(start, 0, nil)]
            finished[start] = false
            while let top = stack.last {
                let outgoing = edges[top.node] ?? []
                guard top.next < outgoing.count else {
                    finished[top.node] = true
                    stack.removeLast()
                    continue
                }
                stack[stack.count - 1].next += 1
                let edge = outgoing[top.next]
                switch finished[edge.target] {
                case nil:
                    finished[edge.target] = false
                    stack.append((edge.target, 0, edge))
                case false?:
                    let loopStart = stack.lastIndex { $0.node == edge.target } ?? 0
                    let loop = stack[(loopStart + 1)...].compactMap(\.via) + [edge]
                    let nodes = stack[loopStart...].map(\.node) + [edge.target]
                    let at = loop.first(where: \.isReference) ?? edge
                    problems.append(
                        SchemaError(
                            path: at.path,
                            message: "$ref loop "
                                + nodes.map { "#" + $0 }.joined(separator: " → ")
                                + " never moves into the value, so validating against it would never end"
                        )
                    )
                case true?: break
                }
            }
        }
    }

    /// A value for a message: a number or boolean as written, else its type.
    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .integer, .double, .bool: value.jsonString
        case .array(let list) where list.isEmpty: "an empty array"
        default: value.typeName
        }
    }
}
