import Tracing

/// A span that has started: the tracer's span and the record `run/trace` will carry when it ends.
struct OpenSpan: @unchecked Sendable {
    // `any Span` is not Sendable in the tracing API; every span here is only touched under its run's lock.
    let span: any Span
    var record: SpanRecord

    /// Starts a span under `parent` (or under `root`, the client's trace, for a run's own span).
    static func start(
        _ name: String,
        tracer: any Tracer,
        parent: OpenSpan?,
        root: (context: ServiceContext, trace: TraceContext?),
        attributes: [(key: String, value: SpanRecord.Value)]
    ) -> OpenSpan {
        let start = UnixInstant.now
        let context = parent?.span.context ?? root.context
        let span = tracer.startSpan(name, context: context, ofKind: .internal, at: start)
        // The tracer's own ids when it speaks W3C (an OpenTelemetry tracer does), so `run/trace` and
        // an exporter agree; otherwise ids of our own in the same shape.
        var headers: [String: String] = [:]
        tracer.inject(span.context, into: &headers, using: HeaderInjector())
        let traceId: String
        let spanId: String
        if let traceParent = headers["traceparent"], let ids = TraceContext(traceParent: traceParent) {
            traceId = ids.traceId
            spanId = ids.spanId
        } else {
            traceId = parent?.record.traceId ?? root.trace?.traceId ?? RandomHex.make(bytes: 16)
            spanId = RandomHex.make(bytes: 8)
        }
        return OpenSpan(
            span: span,
            record: SpanRecord(
                traceId: traceId,
                spanId: spanId,
                parentSpanId: parent?.record.spanId ?? root.trace?.spanId,
                name: name,
                startUnixNano: start.nanosecondsSinceEpoch,
                endUnixNano: 0,
                attributes: attributes,
                status: .unset
            )
        )
    }

    /// Ends the span with `status` and any last attributes; returns its record.
    mutating func end(
        status: SpanRecord.StatusCode,
        message: String? = nil,
        attributes: [(key: String, value: SpanRecord.Value)] = []
    ) -> SpanRecord {
        let end = UnixInstant.now
        record.attributes += attributes
        record.endUnixNano = end.nanosecondsSinceEpoch
        record.status = status
        record.statusMessage = message
        // A tracer that records nothing (none bootstrapped) gets no attributes: building them is most of a
        // span's cost, and `run/trace` reads the record, not the span.
        if span.isRecording {
            let all = record.attributes
            span.updateAttributes { spanAttributes in
                for (key, value) in all {
                    switch value {
                    case .string(let text): spanAttributes[key] = SpanAttribute.string(text)
                    case .int(let number): spanAttributes[key] = SpanAttribute.int64(Int64(number))
                    }
                }
            }
        }
        switch status {
        case .ok: span.setStatus(SpanStatus(code: .ok))
        case .error: span.setStatus(SpanStatus(code: .error, message: message))
        case .unset: break
        }
        span.end(at: end)
        return record
    }

    /// Trace headers for calls made inside this span.
    var traceContext: TraceContext {
        TraceContext(traceId: record.traceId, spanId: record.spanId)
    }
}
