import Foundation
import JSONCore

/// Checks a value against a JSON Schema: tool arguments before a tool runs, and a model's structured
/// output against the `outputSchema` a user wrote.
///
/// Follows JSON Schema draft 2020-12 for these keywords:
/// - any value: `type` (a name or a list of names), `enum`, `const`, `allOf`, `anyOf`, `oneOf`, `not`,
///   `$ref`, and the schemas `true` and `false`;
/// - numbers: `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` (numbers, as in 2020-12),
///   `multipleOf`;
/// - strings: `minLength`, `maxLength` (in Unicode code points), `pattern` (an ECMA-262 regular
///   expression run by `NSRegularExpression`, searched for anywhere in the string, not anchored);
///   `format` is an annotation only and never fails;
/// - arrays: `prefixItems`, `items`, `minItems`, `maxItems`, `uniqueItems`;
/// - objects: `properties`, `patternProperties`, `additionalProperties` (`false` or a schema),
///   `required`, `minProperties`, `maxProperties`.
///
/// `$ref` takes a JSON pointer into the same schema document: `#`, `#/$defs/name`,
/// `#/definitions/name` or any `#/…` pointer, with `~0`/`~1` escapes and percent-encoding. Remote
/// references, `$id`, `$anchor` and `$dynamicRef` are not supported, nor are `contains`,
/// `if`/`then`/`else`, `dependent…`, `propertyNames` and `unevaluated…`: like every unknown keyword,
/// they are ignored. Numbers compare by value, so 1 and 1.0 are equal (in `enum`, `const` and
/// `uniqueItems` too); strings compare by code points.
///
/// ``problems(inSchema:)`` checks that a schema is usable before anything is validated against it;
/// ``errors(_:schema:)`` then lists every way a value does not fit, and ``firstError(_:schema:path:)``
/// renders the first of them. Evaluation deeper than ``maximumDepth`` (a deeply nested value or
/// schema) and `$ref`s that loop without moving into the value stop with one error instead of
/// exhausting the stack.
public enum SchemaValidator {
    /// How many subschemas deep evaluation (and ``problems(inSchema:)``) may go.
    public static let maximumDepth = 512

    /// Every way `value` does not fit `schema`, in the order the schema's keywords find them; empty when
    /// it fits. When evaluation has to stop (nested deeper than ``maximumDepth``, or a `$ref` loop), that
    /// is the only error. A schema that is neither an object nor a boolean accepts everything (as do
    /// keywords whose values make no sense): ``problems(inSchema:)`` is the check for those.
    public static func errors(_ value: JSONValue, schema: JSONValue) -> [SchemaError] {
        errors(value, schema: schema, path: "$")
    }

    /// The first problem found, as "`path`: what was wrong", or `nil` when `value` fits `schema`.
    public static func firstError(_ value: JSONValue, schema: JSONValue, path: String = "$") -> String? {
        errors(value, schema: schema, path: path).first?.description
    }

    static func errors(_ value: JSONValue, schema: JSONValue, path: String) -> [SchemaError] {
        let evaluation = SchemaEvaluation(root: schema)
        var errors: [SchemaError] = []
        evaluation.validate(value, schema, at: ValidationLocation(path: path), into: &errors)
        if let fatal = evaluation.fatal { return [fatal] }
        return errors
    }

    /// The type names `type` accepts.
    static let typeNames = ["array", "boolean", "integer", "null", "number", "object", "string"]

    static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null): true
        case ("number", .integer), ("number", .double), ("integer", .integer): true
        case ("integer", .double(let number)): number.isFinite && number.rounded(.towardZero) == number
        default: false
        }
    }

    /// JSON equality: numbers by value (1 == 1.0), strings by code points, objects whatever their member
    /// order. Iterative, so however deep the values are nested it cannot exhaust the stack.
    static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        var pending = [(lhs, rhs)]
        while let pair = pending.popLast() {
            switch pair {
            case (.null, .null): continue
            case (.bool(let a), .bool(let b)): if a != b { return false }
            case (.integer(let a), .integer(let b)): if a != b { return false }
            case (.double(let a), .double(let b)): if a != b { return false }
            case (.integer(let a), .double(let b)), (.double(let b), .integer(let a)):
                if Int64(exactly: b) != a { return false }
            case (.string(let a), .string(let b)): if !a.utf8.elementsEqual(b.utf8) { return false }
            case (.array(let a), .array(let b)):
                guard a.count == b.count else { return false }
                pending.append(contentsOf: zip(a, b))
            case (.object(let a), .object(let b)):
                guard a.count == b.count else { return false }
                for (key, value) in a.members {
                    guard let other = b.member(exactly: key) else { return false }
                    pending.append((value, other))
                }
            default: return false
            }
        }
        return true
    }

    /// The indices of the first two equal items, if any (for `uniqueItems`). Items are first sorted into
    /// buckets by a cheap key, so only items that might be equal are compared.
    static func firstDuplicate(in items: [JSONValue]) -> (Int, Int)? {
        var buckets: [String: [Int]] = [:]
        for (index, item) in items.enumerated() {
            let key: String =
                switch item {
                case .null: "n"
                case .bool(let flag): flag ? "t" : "f"
                case .integer(let number): number == 0 ? "#0" : "#\(Double(number))"
                case .double(let number): number == 0 ? "#0" : "#\(number)"
                case .string(let text): "s" + text
                case .array(let elements): "a\(elements.count)"
                case .object(let object): "o\(object.count)"
                }
            if let earlier = buckets[key, default: []].first(where: { equal(items[$0], item) }) {
                return (earlier, index)
            }
            buckets[key, default: []].append(index)
        }
        return nil
    }

    /// `path` followed by a member: `$.name`, or `$["odd name"]` for a name that is not just letters,
    /// digits, `_`, `$` and `-`.
    static func memberPath(_ path: String, _ name: String) -> String {
        let plain =
            !name.isEmpty
            && name.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "$"), UInt8(ascii: "-"):
                    true
                default: false
                }
            }
        return plain ? "\(path).\(name)" : "\(path)[\(JSONValue.string(name).jsonString)]"
    }

    /// A number as a schema states it: `7`, `1.5`.
    static func numberText(_ number: JSONValue) -> String {
        switch number {
        case .integer(let value): String(value)
        case .double(let value): value.cleanText
        default: number.jsonString
        }
    }

    /// A value for a message: its JSON text, cut short when long; only its type when nested so deeply
    /// that writing it out would recurse too far.
    static func preview(_ value: JSONValue) -> String {
        var pending = [(value, 0)]
        while let (next, depth) = pending.popLast().map({ ($0.0, $0.1) }) {
            guard depth < 64 else { return "\(value.typeName) (nested too deeply to show)" }
            switch next {
            case .array(let elements): pending += elements.map { ($0, depth + 1) }
            case .object(let object): pending += object.members.map { ($0.value, depth + 1) }
            default: break
            }
        }
        let text = value.jsonString
        return text.count <= 200 ? text : String(text.prefix(197)) + "…"
    }
}

/// One way a value does not fit a schema (or, from ``SchemaValidator/problems(inSchema:)``, one way a
/// schema is unusable).
public struct SchemaError: Sendable, Equatable, CustomStringConvertible {
    /// Where: `$` for the whole value, `$.name` for a member (`$["odd name"]`), `$[0]` for an element. For a
    /// schema problem, the place in the schema, such as `$.properties.age.type`.
    public var path: String
    /// What was wrong, such as "expected string, got an integer".
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// "`path`: `message`".
    public var description: String { "\(path): \(message)" }
}

extension JSONObject {
    /// The member named exactly `name`, code point for code point (`String ==` would also take a
    /// canonically equivalent spelling).
    func member(exactly name: String) -> JSONValue? {
        for member in members where member.key.utf8.elementsEqual(name.utf8) { return member.value }
        return nil
    }
}

extension Double {
    fileprivate var cleanText: String {
        rounded() == self && abs(self) < 1e15 ? String(Int64(self)) : String(self)
    }
}
