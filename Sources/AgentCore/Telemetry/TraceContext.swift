import Foundation
import Tracing

/// A W3C trace context (`traceparent`, `tracestate`): where a span sits in a distributed trace.
public struct TraceContext: Sendable, Equatable {
    /// 32 lowercase hex digits, not all zero.
    public var traceId: String
    /// 16 lowercase hex digits, not all zero.
    public var spanId: String
    /// The trace flags byte as two hex digits (`01`: sampled).
    public var flags: String
    /// The vendor entries, passed through untouched.
    public var traceState: String?

    public init(traceId: String, spanId: String, flags: String = "01", traceState: String? = nil) {
        self.traceId = traceId
        self.spanId = spanId
        self.flags = flags
        self.traceState = traceState
    }

    /// Parses a `traceparent` header (version 00 layout; later versions are read by their first four
    /// fields, as the specification asks). Returns nil for anything malformed.
    public init?(traceParent: String, traceState: String? = nil) {
        let fields = traceParent.trimmingCharacters(in: .whitespaces).split(
            separator: "-",
            omittingEmptySubsequences: false
        )
        guard fields.count >= 4, fields[0].count == 2, fields[0] != "ff",
            fields[0] != "00" || fields.count == 4,
            fields[1].count == 32, fields[2].count == 16, fields[3].count == 2,
            fields[0...3].allSatisfy({ Self.isLowerHex($0) }),
            fields[1].contains(where: { $0 != "0" }), fields[2].contains(where: { $0 != "0" })
        else { return nil }
        self.init(
            traceId: String(fields[1]),
            spanId: String(fields[2]),
            flags: String(fields[3]),
            traceState: traceState.flatMap { $0.isEmpty ? nil : $0 }
        )
    }

    /// The `traceparent` header value.
    public var traceParent: String { "00-\(traceId)-\(spanId)-\(flags)" }

    /// `traceparent` and, when set, `tracestate`, as HTTP headers for a call made inside this span.
    public var headers: [(name: String, value: String)] {
        var headers = [(name: "traceparent", value: traceParent)]
        if let traceState { headers.append((name: "tracestate", value: traceState)) }
        return headers
    }

    static func isLowerHex(_ text: Substring) -> Bool {
        text.utf8.allSatisfy {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
        }
    }
}

/// Reads trace headers out of a dictionary for `Tracer.extract`.
struct HeaderExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
}

/// Writes trace headers into a dictionary for `Tracer.inject`.
struct HeaderInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
}

/// A point in time as nanoseconds since the Unix epoch, handed to the tracer so its spans and the
/// `run/trace` records carry the same times.
struct UnixInstant: TracerInstant {
    let nanosecondsSinceEpoch: UInt64

    static func < (lhs: UnixInstant, rhs: UnixInstant) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }

    static var now: UnixInstant {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return UnixInstant(nanosecondsSinceEpoch: UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec))
    }
}
