import JSONCore

/// Checks tool arguments against the JSON Schema a tool declares, before the tool runs.
///
/// Covers the keywords tool schemas use: `type` (one or a list), `properties`, `required`,
/// `additionalProperties: false`, `items`, `enum`, `const`, `minimum`, `maximum`, `minLength`,
/// `maxLength`, `minItems`, `maxItems`. Other keywords are ignored.
public enum SchemaValidator {
    /// The first problem found, as "`path`: what was wrong", or `nil` when `value` fits `schema`.
    public static func firstError(_ value: JSONValue, schema: JSONValue, path: String = "$") -> String? {
        guard case .object(let schema) = schema else { return nil }
        if let type = schema["type"] {
            let allowed = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue].compactMap { $0 }
            if !allowed.isEmpty, !allowed.contains(where: { matches(value, type: $0) }) {
                return "\(path): expected \(allowed.joined(separator: " or ")), got \(value.typeName)"
            }
        }
        if let options = schema["enum"]?.arrayValue, !options.contains(value) {
            return "\(path): expected one of \(JSONValue.array(options).jsonString), got \(value.jsonString)"
        }
        if let constant = schema["const"], constant != value {
            return "\(path): expected \(constant.jsonString), got \(value.jsonString)"
        }
        if let number = value.doubleValue {
            if let minimum = schema["minimum"]?.doubleValue, number < minimum {
                return "\(path): expected at least \(minimum.cleanText), got \(value.jsonString)"
            }
            if let maximum = schema["maximum"]?.doubleValue, number > maximum {
                return "\(path): expected at most \(maximum.cleanText), got \(value.jsonString)"
            }
        }
        if case .string(let text) = value {
            if let minimum = schema["minLength"]?.integerValue, text.count < minimum {
                return "\(path): expected at least \(minimum) characters"
            }
            if let maximum = schema["maxLength"]?.integerValue, text.count > maximum {
                return "\(path): expected at most \(maximum) characters"
            }
        }
        if case .array(let items) = value {
            if let minimum = schema["minItems"]?.integerValue, items.count < minimum {
                return "\(path): expected at least \(minimum) items"
            }
            if let maximum = schema["maxItems"]?.integerValue, items.count > maximum {
                return "\(path): expected at most \(maximum) items"
            }
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() {
                    if let error = firstError(item, schema: itemSchema, path: "\(path)[\(index)]") { return error }
                }
            }
        }
        if case .object(let object) = value {
            for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[name] == nil {
                return "\(path).\(name): required"
            }
            let properties = schema["properties"]?.objectValue ?? JSONObject()
            for (name, member) in object.members {
                if let propertySchema = properties[name] {
                    if let error = firstError(member, schema: propertySchema, path: "\(path).\(name)") { return error }
                } else if schema["additionalProperties"] == .bool(false) {
                    return "\(path).\(name): not allowed (expected one of: \(properties.keys.joined(separator: ", ")))"
                }
            }
        }
        return nil
    }

    static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null): true
        case ("number", .integer), ("number", .double): true
        case ("integer", _): value.integerValue != nil && value.doubleValue != nil && value.boolValue == nil
        default: false
        }
    }
}

extension Double {
    fileprivate var cleanText: String {
        rounded() == self && abs(self) < 1e15 ? String(Int64(self)) : String(self)
    }
}
