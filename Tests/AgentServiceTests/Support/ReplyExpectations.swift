import JSONCore
import Testing

// Checks of the replies the server writes, shared by FramingTests and SpecExamplesTests.

/// Checks that `reply` is a JSON-RPC 2.0 error response with `code` and `id`, and no `result`.
func expectErrorReply(
    _ reply: JSONValue?,
    code: Int64,
    id: JSONValue,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(reply?["jsonrpc"] == .string("2.0"), sourceLocation: sourceLocation)
    #expect(reply?["id"] == id, "reply: \(reply?.jsonString ?? "none")", sourceLocation: sourceLocation)
    #expect(
        reply?["error", "code"]?.integerValue == code,
        "reply: \(reply?.jsonString ?? "none")",
        sourceLocation: sourceLocation
    )
    #expect(reply?["result"] == nil, sourceLocation: sourceLocation)
}
