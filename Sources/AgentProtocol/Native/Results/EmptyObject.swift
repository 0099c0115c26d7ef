import JSONCore

/// An empty JSON object, `{}`: the answer to `ping`.
public struct EmptyObject: ResultType, Equatable {
    public static let name = "EmptyObject"
    public static let summary = #"An empty JSON object, `{}`."#
    public static let members: [Member] = []
    /// An object with no members at all: no `properties`, no `required`, and none allowed.
    public static var schema: Schema {
        Schema(
            [
                "title": .string(name), "description": .string(summary), "type": "object",
                "additionalProperties": false,
            ]
        )
    }

    public init() {}

    public func encode(to object: inout ResultObject) {}
}
