/// A finished span as a client sees it in `run/trace`: the same ids the tracer exports, so a span in a
/// notification and the one in a collector are the same span.
public struct SpanRecord: Sendable, Equatable {
    /// How a span ended, in OpenTelemetry's terms.
    public enum StatusCode: String, Sendable {
        case unset, ok, error
    }

    /// A span attribute's value.
    public enum Value: Sendable, Equatable {
        case string(String)
        case int(Int)
    }

    /// 32 lowercase hex digits.
    public var traceId: String
    /// 16 lowercase hex digits.
    public var spanId: String
    /// The parent span, in this run or (for the run's own span) in the client's trace.
    public var parentSpanId: String?
    public var name: String
    public var startUnixNano: UInt64
    public var endUnixNano: UInt64
    /// Attributes in the order they were set.
    public var attributes: [(key: String, value: Value)]
    public var status: StatusCode
    public var statusMessage: String?

    public init(
        traceId: String,
        spanId: String,
        parentSpanId: String?,
        name: String,
        startUnixNano: UInt64,
        endUnixNano: UInt64,
        attributes: [(key: String, value: Value)],
        status: StatusCode,
        statusMessage: String? = nil
    ) {
        self.traceId = traceId
        self.spanId = spanId
        self.parentSpanId = parentSpanId
        self.name = name
        self.startUnixNano = startUnixNano
        self.endUnixNano = endUnixNano
        self.attributes = attributes
        self.status = status
        self.statusMessage = statusMessage
    }

    /// The value of attribute `key`, if set.
    public func attribute(_ key: String) -> Value? {
        attributes.first { $0.key == key }?.value
    }

    public static func == (lhs: SpanRecord, rhs: SpanRecord) -> Bool {
        lhs.traceId == rhs.traceId && lhs.spanId == rhs.spanId && lhs.parentSpanId == rhs.parentSpanId
            && lhs.name == rhs.name && lhs.startUnixNano == rhs.startUnixNano && lhs.endUnixNano == rhs.endUnixNano
            && lhs.attributes.map(\.key) == rhs.attributes.map(\.key)
            && lhs.attributes.map(\.value) == rhs.attributes.map(\.value) && lhs.status == rhs.status
            && lhs.statusMessage == rhs.statusMessage
    }
}
