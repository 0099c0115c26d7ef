import JSONCore
import JSONRPC

/// Which run notifications a client receives, and whether tokens are coalesced.
///
/// Set at `initialize` (`params.stream`) for the connection and overridable per request
/// (`params.stream` of any run-starting request). `run/started` and the response always arrive.
struct StreamOptions: Sendable, Equatable {
    var tokens = true
    var thinking = true
    var steps = true
    var progress = true
    var heartbeat = true
    /// `run/trace` for every finished span; off unless asked for.
    var traces = false
    /// When above 0, tokens of a step are merged and sent at most this often.
    var tokenCoalesceMs = 0

    static let kinds = ["tokens", "thinking", "steps", "progress", "heartbeat", "traces", "tokenCoalesceMs"]

    /// Applies the members of a `stream` object over these options.
    func merging(_ value: JSONValue?, field: String) throws(ResponseError) -> StreamOptions {
        guard let value else { return self }
        guard case .object(let object) = value else {
            throw .invalidParams(field: field, "expected an object such as {\"tokens\": false}, got \(value.typeName)")
        }
        var options = self
        for (key, member) in object.members {
            if key == "tokenCoalesceMs" {
                guard let ms = member.integerValue, ms >= 0, ms <= 60_000 else {
                    throw .invalidParams(field: "\(field).\(key)", "expected milliseconds from 0 to 60000")
                }
                options.tokenCoalesceMs = Int(ms)
                continue
            }
            guard let flag = member.boolValue else {
                throw .invalidParams(field: "\(field).\(key)", "expected true or false, got \(member.typeName)")
            }
            switch key {
            case "tokens": options.tokens = flag
            case "thinking": options.thinking = flag
            case "steps": options.steps = flag
            case "progress": options.progress = flag
            case "heartbeat": options.heartbeat = flag
            case "traces": options.traces = flag
            default:
                throw .invalidParams(
                    field: "\(field).\(key)",
                    "unknown kind (known: \(Self.kinds.joined(separator: ", ")))"
                )
            }
        }
        return options
    }
}
