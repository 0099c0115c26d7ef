import Foundation
import JSONCore

/// Where evaluation stands: the value's path, how many subschemas deep it is, and the `$ref`s followed
/// since it last moved into the value.
struct ValidationLocation {
    var path: String
    var depth = 0
    /// Targets (as `#` pointers) of the `$ref`s followed at this value: meeting one again is a loop
    /// that would never end, as it validates the same value against the same schema.
    var references: [String] = []

    func member(_ name: String) -> Self {
        Self(path: SchemaValidator.memberPath(path, name), depth: depth + 1)
    }

    func element(_ index: Int) -> Self {
        Self(path: "\(path)[\(index)]", depth: depth + 1)
    }

    /// A subschema applied to the same value (`allOf`, `anyOf`, `oneOf`, `not`).
    var inPlace: Self { Self(path: path, depth: depth + 1, references: references) }

    func following(_ reference: String) -> Self {
        Self(path: path, depth: depth + 1, references: references + [reference])
    }
}

/// One run of the validator: the schema document `$ref`s point into, the patterns compiled so far, and
/// the error that stopped the run, if one did.
final class SchemaEvaluation {
    let root: JSONValue
    /// Set when evaluation went too deep or a `$ref` loop was found: the run stops, and this is its
    /// only error (whatever the combinators around it would have made of it).
    private(set) var fatal: SchemaError?
    private var patterns: [String: NSRegularExpression?] = [:]
    private var references: [String: Result<SchemaValidator.ResolvedReference, SchemaValidator.ReferenceProblem>] =
        [:]

    init(root: JSONValue) {
        self.root = root
    }

    /// Adds to `errors` every way `value` does not fit `schema`.
    ///
    /// Recursive, through the keywords that reach subschemas. Everything else is kept in functions out
    /// of line, so that each level of recursion costs the stack only a few small frames.
    func validate(
        _ value: JSONValue,
        _ schema: JSONValue,
        at location: ValidationLocation,
        into errors: inout [SchemaError]
    ) {
        guard fatal == nil else { return }
        guard location.depth <= SchemaValidator.maximumDepth else { return stop(at: location.path) }
        guard case .object(let schema) = schema else {
            if schema == .bool(false) { notAllowed(at: location.path, into: &errors) }
            return
        }
        checkValue(value, schema, at: location.path, into: &errors)
        switch value {
        case .array(let items): validateItems(items, schema, at: location, into: &errors)
        case .object(let object): validateMembers(object, schema, at: location, into: &errors)
        default: break
        }
        if let reference = schema["$ref"]?.stringValue,
            let target = resolve(reference, at: location, into: &errors)
        {
            validate(value, target.schema, at: location.following(target.pointer), into: &errors)
        }
        if let subschemas = schema["allOf"]?.arrayValue {
            for subschema in subschemas { validate(value, subschema, at: location.inPlace, into: &errors) }
        }
        if let alternatives = schema["anyOf"]?.arrayValue {
            validateAnyOf(alternatives, value, at: location, into: &errors)
        }
        if let alternatives = schema["oneOf"]?.arrayValue {
            validateOneOf(alternatives, value, at: location, into: &errors)
        }
        if let negated = schema["not"] { validateNot(negated, value, at: location, into: &errors) }
    }

    @inline(never)
    private func stop(at path: String) {
        let limit = SchemaValidator.maximumDepth
        fatal = SchemaError(
            path: path,
            message: "nested more than \(limit) schemas deep (too deep a value, or a $ref loop)"
        )
    }

    @inline(never)
    private func notAllowed(at path: String, into errors: inout [SchemaError]) {
        errors.append(SchemaError(path: path, message: "not allowed"))
    }

    // MARK: Subschemas

    @inline(never)
    private func validateItems(
        _ items: [JSONValue],
        _ schema: JSONObject,
        at location: ValidationLocation,
        into errors: inout [SchemaError]
    ) {
        let prefix = schema["prefixItems"]?.arrayValue ?? []
        for (index, itemSchema) in zip(items.indices, prefix) {
            validate(items[index], itemSchema, at: location.element(index), into: &errors)
        }
        guard let itemSchema = schema["items"], items.count > prefix.count else { return }
        if itemSchema == .bool(false) {
            return tooManyItems(items.count, allowed: prefix.count, at: location.path, into: &errors)
        }
        for index in prefix.count..<items.count {
            validate(items[index], itemSchema, at: location.element(index), into: &errors)
        }
    }

    @inline(never)
    private func tooManyItems(_ count: Int, allowed: Int, at path: String, into errors: inout [SchemaError]) {
        errors.append(SchemaError(path: path, message: "expected at most \(allowed) items, got \(count)"))
    }

    @inline(never)
    private func validateMembers(
        _ object: JSONObject,
        _ schema: JSONObject,
        at location: ValidationLocation,
        into errors: inout [SchemaError]
    ) {
        let properties = schema["properties"]?.objectValue ?? JSONObject()
        let patterns = patternProperties(schema, at: location.path, into: &errors)
        let additional = schema["additionalProperties"]
        for (name, member) in object.members {
            var declared = false
            if let propertySchema = properties.member(exactly: name) {
                declared = true
                validate(member, propertySchema, at: location.member(name), into: &errors)
            }
            for pattern in patterns where SchemaValidator.search(pattern.regex, in: name) {
                declared = true
                validate(member, pattern.schema, at: location.member(name), into: &errors)
            }
            guard !declared, let additional else { continue }
            if additional == .bool(false) {
                notAllowed(name, at: location.path, properties: properties, patterns: patterns, into: &errors)
            } else {
                validate(member, additional, at: location.member(name), into: &errors)
            }
        }
    }

    private struct PatternProperty {
        var pattern: String
        var regex: NSRegularExpression
        var schema: JSONValue
    }

    /// The compiled `patternProperties`; an error for each pattern that does not compile.
    @inline(never)
    private func patternProperties(
        _ schema: JSONObject,
        at path: String,
        into errors: inout [SchemaError]
    ) -> [PatternProperty] {
        var patterns: [PatternProperty] = []
        for (pattern, patternSchema) in schema["patternProperties"]?.objectValue?.members ?? [] {
            if let regex = compiled(pattern) {
                patterns.append(PatternProperty(pattern: pattern, regex: regex, schema: patternSchema))
            } else {
                let quoted = JSONValue.string(pattern).jsonString
                errors.append(
                    SchemaError(path: path, message: "patternProperties \(quoted) is not a valid regular expression")
                )
            }
        }
        return patterns
    }

    /// "not allowed (expected one of: city, days)", with the names an object may have.
    @inline(never)
    private func notAllowed(
        _ name: String,
        at path: String,
        properties: JSONObject,
        patterns: [PatternProperty],
        into errors: inout [SchemaError]
    ) {
        var expected: [String] = []
        if !properties.isEmpty { expected.append("one of: " + properties.keys.joined(separator: ", ")) }
        if !patterns.isEmpty {
            expected.append("a name matching " + patterns.map(\.pattern).joined(separator: " or "))
        }
        errors.append(
            SchemaError(
                path: SchemaValidator.memberPath(path, name),
                message: expected.isEmpty
                    ? "not allowed" : "not allowed (expected \(expected.joined(separator: ", or ")))"
            )
        )
    }

    /// The schema `reference` names and its pointer; `nil`, with an error (or the run stopped, for a
    /// loop), when there is none to follow.
    @inline(never)
    private func resolve(
        _ reference: String,
        at location: ValidationLocation,
        into errors: inout [SchemaError]
    ) -> (schema: JSONValue, pointer: String)? {
        let resolution: Result<SchemaValidator.ResolvedReference, SchemaValidator.ReferenceProblem>
        if let known = references[reference] {
            resolution = known
        } else {
            resolution = SchemaValidator.resolve(reference, in: root)
            references[reference] = resolution
        }
        switch resolution {
        case .success(let target):
            let pointer = "#" + target.pointer
            guard !location.references.contains(pointer) else {
                let loop = (location.references.drop { $0 != pointer } + [pointer]).joined(separator: " → ")
                fatal = SchemaError(
                    path: location.path,
                    message: "$ref loop \(loop) never moves into the value, so it would never end"
                )
                return nil
            }
            return (target.schema, pointer)
        case .failure(let problem):
            let quoted = JSONValue.string(reference).jsonString
            errors.append(
                SchemaError(path: location.path, message: "$ref \(quoted) cannot be resolved: \(problem.message)")
            )
            return nil
        }
    }

    @inline(never)
    private func validateAnyOf(
        _ alternatives: [JSONValue],
        _ value: JSONValue,
        at location: ValidationLocation,
        into errors: inout [SchemaError]
    ) {
        var failures: [(index: Int, errors: [SchemaError])] = []
        for (index, alternative) in alternatives.enumerated() {
            var alternativeErrors: [SchemaError] = []
            validate(value, alternative, at: location.inPlace, into: &alternativeErrors)
            if alternativeErrors.isEmpty { return }
            failures.append((index, alternativeErrors))
        }
        if fatal == nil { noMatch("anyOf", failures, at: location.path, into: &errors) }
    }

    @inline(never)
    private func validateOneOf(
        _ alternatives: [JSONValue],
        _ value: JSONValue,
        at location: ValidationLocation,
        into errors: inout [SchemaError]
    ) {
        var failures: [(index: Int, errors: [SchemaError])] = []
        var matched: [Int] = []
        for (index, alternative) in alternatives.enumerated() {
            var alternativeErrors: [SchemaError] = []
            validate(value, alternative, at: location.inPlace, into: &alternativeErrors)
            if alternativeErrors.isEmpty { matched.append(index) } else { failures.append((index, alternativeErrors)) }
        }
        guard fatal == nil else { return }
        if matched.isEmpty {
            noMatch("oneOf", failures, at: location.path, into: &errors)
        } else if matched.count > 1 {
            severalMatch(matched, at: location.path, into: &errors)
        }
    }

    @inline(never)
    private func validateNot(
        _ negated: JSONValue,
        _ value: JSONValue,
        at location: ValidationLocation,
        into errors: inout [SchemaError]
    ) {
        var negatedErrors: [SchemaError] = []
        validate(value, negated, at: location.inPlace, into: &negatedErrors)
        if negatedErrors.isEmpty, fatal == nil {
            errors.append(SchemaError(path: location.path, message: "expected a value not matching the schema in not"))
        }
    }

    /// The error for an `anyOf` or `oneOf` none of whose alternatives matched, with the first error of
    /// the closest one: the alternative that got furthest into the value (fewest errors at the value
    /// itself, such as a wrong type), then the one with the fewest errors.
    @inline(never)
    private func noMatch(
        _ keyword: String,
        _ failures: [(index: Int, errors: [SchemaError])],
        at path: String,
        into errors: inout [SchemaError]
    ) {
        let alternatives =
            failures.count == 1
            ? "the only \(keyword) alternative" : "one of the \(failures.count) \(keyword) alternatives"
        guard
            let closest = failures.min(by: { a, b in
                let aAtValue = a.errors.filter { $0.path == path }.count
                let bAtValue = b.errors.filter { $0.path == path }.count
                return (aAtValue, a.errors.count, a.index) < (bAtValue, b.errors.count, b.index)
            }), let first = closest.errors.first
        else { return errors.append(SchemaError(path: path, message: "expected a value matching \(alternatives)")) }
        let which = failures.count == 1 ? "" : "; closest is \(keyword)[\(closest.index)]"
        let more = closest.errors.count > 1 ? " (and \(closest.errors.count - 1) more)" : ""
        errors.append(
            SchemaError(path: path, message: "expected a value matching \(alternatives)\(which): \(first)\(more)")
        )
    }

    @inline(never)
    private func severalMatch(_ matched: [Int], at path: String, into errors: inout [SchemaError]) {
        let which = matched.map { "oneOf[\($0)]" }
        errors.append(
            SchemaError(
                path: path,
                message: "expected a value matching exactly one oneOf alternative, but it matches "
                    + which.dropLast().joined(separator: ", ") + " and " + which[which.count - 1]
            )
        )
    }

    // MARK: Keywords without subschemas

    /// The keywords that look at `value` alone.
    @inline(never)
    private func checkValue(_ value: JSONValue, _ schema: JSONObject, at path: String, into errors: inout [SchemaError])
    {
        checkType(value, schema, at: path, into: &errors)
        checkEquality(value, schema, at: path, into: &errors)
        switch value {
        case .integer, .double: checkNumber(value, schema, at: path, into: &errors)
        case .string(let text): checkString(text, schema, at: path, into: &errors)
        case .array(let items):
            checkCount(
                items.count,
                of: "items",
                schema,
                minimum: "minItems",
                maximum: "maxItems",
                at: path,
                into: &errors
            )
            if schema["uniqueItems"] == .bool(true), let (first, second) = SchemaValidator.firstDuplicate(in: items) {
                errors.append(
                    SchemaError(
                        path: path,
                        message: "expected unique items, but items \(first) and \(second) are equal"
                    )
                )
            }
        case .object(let object):
            checkCount(
                object.count,
                of: "properties",
                schema,
                minimum: "minProperties",
                maximum: "maxProperties",
                at: path,
                into: &errors
            )
            for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
            where object.member(exactly: name) == nil {
                errors.append(SchemaError(path: SchemaValidator.memberPath(path, name), message: "required"))
            }
        case .null, .bool: break
        }
    }

    /// `minItems`/`maxItems` or `minProperties`/`maxProperties`.
    private func checkCount(
        _ count: Int,
        of things: String,
        _ schema: JSONObject,
        minimum minimumKeyword: String,
        maximum maximumKeyword: String,
        at path: String,
        into errors: inout [SchemaError]
    ) {
        if let minimum = schema[minimumKeyword]?.integerValue, count < minimum {
            errors.append(SchemaError(path: path, message: "expected at least \(minimum) \(things)"))
        }
        if let maximum = schema[maximumKeyword]?.integerValue, count > maximum {
            errors.append(SchemaError(path: path, message: "expected at most \(maximum) \(things)"))
        }
    }

    private func checkType(_ value: JSONValue, _ schema: JSONObject, at path: String, into errors: inout [SchemaError])
    {
        guard let type = schema["type"] else { return }
        let allowed = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue].compactMap { $0 }
        if !allowed.isEmpty, !allowed.contains(where: { SchemaValidator.matches(value, type: $0) }) {
            errors.append(
                SchemaError(path: path, message: "expected \(allowed.joined(separator: " or ")), got \(value.typeName)")
            )
        }
    }

    private func checkEquality(
        _ value: JSONValue,
        _ schema: JSONObject,
        at path: String,
        into errors: inout [SchemaError]
    ) {
        if let options = schema["enum"]?.arrayValue, !options.contains(where: { SchemaValidator.equal($0, value) }) {
            errors.append(
                SchemaError(
                    path: path,
                    message:
                        "expected one of \(JSONValue.array(options).jsonString), got \(SchemaValidator.preview(value))"
                )
            )
        }
        if let constant = schema["const"], !SchemaValidator.equal(constant, value) {
            errors.append(
                SchemaError(
                    path: path,
                    message: "expected \(constant.jsonString), got \(SchemaValidator.preview(value))"
                )
            )
        }
    }

    // MARK: Numbers, strings

    private func checkNumber(
        _ value: JSONValue,
        _ schema: JSONObject,
        at path: String,
        into errors: inout [SchemaError]
    ) {
        let limits: [(keyword: String, fails: (Int) -> Bool, expected: String)] = [
            ("minimum", { $0 < 0 }, "at least"),
            ("maximum", { $0 > 0 }, "at most"),
            ("exclusiveMinimum", { $0 <= 0 }, "more than"),
            ("exclusiveMaximum", { $0 >= 0 }, "less than"),
        ]
        for limit in limits {
            guard let bound = schema[limit.keyword], let order = Self.compare(value, bound), limit.fails(order) else {
                continue
            }
            errors.append(
                SchemaError(
                    path: path,
                    message: "expected \(limit.expected) \(SchemaValidator.numberText(bound)), got \(value.jsonString)"
                )
            )
        }
        if let divisor = schema["multipleOf"], divisor.doubleValue != nil, !Self.isMultiple(value, of: divisor) {
            errors.append(
                SchemaError(
                    path: path,
                    message: "expected a multiple of \(SchemaValidator.numberText(divisor)), got \(value.jsonString)"
                )
            )
        }
    }

    /// -1, 0 or 1 as `number` is below, at or above `bound`; `nil` when `bound` is not a number.
    private static func compare(_ number: JSONValue, _ bound: JSONValue) -> Int? {
        if case .integer(let a) = number, case .integer(let b) = bound { return a < b ? -1 : a == b ? 0 : 1 }
        guard let a = number.doubleValue, let b = bound.doubleValue else { return nil }
        return a < b ? -1 : a == b ? 0 : 1
    }

    /// Whether `number` divided by `divisor` is a whole number: exactly for integers; for reals within a
    /// few units in the last place, as `0.0075 / 0.0001` is not exactly 75 in binary floating point.
    private static func isMultiple(_ number: JSONValue, of divisor: JSONValue) -> Bool {
        if case .integer(let a) = number, case .integer(let b) = divisor {
            return b == 0 || a.remainderReportingOverflow(dividingBy: b).partialValue == 0
        }
        guard let a = number.doubleValue, let b = divisor.doubleValue, b != 0 else { return true }
        let quotient = a / b
        guard quotient.isFinite else { return false }
        return abs(quotient - quotient.rounded()) <= abs(quotient) * 1e-14
    }

    private func checkString(_ text: String, _ schema: JSONObject, at path: String, into errors: inout [SchemaError]) {
        let minimum = schema["minLength"]?.integerValue
        let maximum = schema["maxLength"]?.integerValue
        if minimum != nil || maximum != nil {
            // JSON Schema counts code points: "e\u{301}" is two, though it shows as one character.
            let length = text.unicodeScalars.count
            if let minimum, length < minimum {
                errors.append(SchemaError(path: path, message: "expected at least \(minimum) characters"))
            }
            if let maximum, length > maximum {
                errors.append(SchemaError(path: path, message: "expected at most \(maximum) characters"))
            }
        }
        if let pattern = schema["pattern"]?.stringValue {
            let quoted = JSONValue.string(pattern).jsonString
            if let regex = compiled(pattern) {
                if !SchemaValidator.search(regex, in: text) {
                    errors.append(
                        SchemaError(
                            path: path,
                            message:
                                "expected a string matching \(quoted), got \(SchemaValidator.preview(.string(text)))"
                        )
                    )
                }
            } else {
                errors.append(SchemaError(path: path, message: "pattern \(quoted) is not a valid regular expression"))
            }
        }
    }

    private func compiled(_ pattern: String) -> NSRegularExpression? {
        if let known = patterns[pattern] { return known }
        let regex = SchemaValidator.compilePattern(pattern)
        patterns[pattern] = regex
        return regex
    }
}
