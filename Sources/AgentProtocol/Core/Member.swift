import JSONCore

/// One named member of a message's params: the OpenRPC content descriptor, and what decoding accepts.
public struct Member: Sendable {
    public var name: String
    public var required: Bool
    public var schema: Schema
    public var description: String?

    public init(_ name: String, required: Bool, schema: Schema, description: String? = nil) {
        self.name = name
        self.required = required
        self.schema = schema
        self.description = description
    }
}
