import JSONCore

/// A JSON Schema (draft 2020-12, as OpenRPC 1.3 uses it), held as its JSON value.
///
/// Shared schemas live in a face's `schemas` table and are referred to by name with ``ref(_:)``.
public struct Schema: Sendable, Equatable {
    public var json: JSONValue

    public init(_ json: JSONValue) {
        self.json = json
    }

    /// A schema written as JSON text in the source.
    ///
    /// - Important: The text is part of the program, not input: invalid JSON is a programming error and
    ///   traps (the schema tests parse every one).
    public init(json text: String) {
        self.json = JSONValue(json: text)
    }

    /// A reference to `#/components/schemas/NAME`.
    public static func ref(_ name: String) -> Schema {
        Schema(["$ref": .string("#/components/schemas/\(name)")])
    }

    /// Any JSON value.
    public static let any = Schema(.object([:]))
    /// Any string.
    public static let string = Schema(["type": "string"])

    /// The name of the shared schema this one refers to, if it is a bare reference.
    public var referencedName: String? {
        guard case .object(let object) = json, object.count == 1,
            let ref = object["$ref"]?.stringValue, ref.hasPrefix("#/components/schemas/")
        else { return nil }
        return String(ref.dropFirst("#/components/schemas/".count))
    }
}
