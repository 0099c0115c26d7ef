import AgentCore
import AgentProtocol
import JSONCore
import JSONRPC

extension RunNotifications {
    /// A finished span of a run, for clients that asked for traces (`stream.traces`).
    public static let trace = RunTraceNotification.method

    /// The `run/trace` notification for `span`: ids as lowercase hex (the same the OTLP exporter sends),
    /// times in Unix nanoseconds, attributes as an object in the order they were set.
    public static func traceMessage(runId: String, seq: UInt64, span: SpanRecord) -> JSONValue {
        var params: JSONObject = [
            "runId": .string(runId), "seq": .int(seq), "traceId": .string(span.traceId), "spanId": .string(span.spanId),
        ]
        params["parentSpanId"] = span.parentSpanId.map { .string($0) } ?? .null
        params["name"] = .string(span.name)
        params["startTimeUnixNano"] = .int(span.startUnixNano)
        params["endTimeUnixNano"] = .int(span.endUnixNano)
        var attributes = JSONObject()
        for (key, value) in span.attributes {
            switch value {
            case .string(let text): attributes[key] = .string(text)
            case .int(let number): attributes[key] = .int(number)
            }
        }
        params["attributes"] = .object(attributes)
        var status: JSONObject = ["code": .string(span.status.rawValue)]
        if let message = span.statusMessage { status["message"] = .string(message) }
        params["status"] = .object(status)
        return Envelope.notification(method: trace, params: .object(params))
    }
}
