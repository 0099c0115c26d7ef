import AgentCore
import AgentProtocol
import Foundation
import JSONCore
import JSONRPC
import JSONRPCTransport

extension AgentServer {
    /// `metrics/get`: the metrics in Prometheus text format.
    func metricsGet() -> MetricsGetResult {
        guard let exposition else {
            return MetricsGetResult(text: "# Metrics are not enabled in this process.\n")
        }
        runtime.telemetry.sample()
        return MetricsGetResult(contentType: exposition.contentType, text: exposition.render())
    }

    /// The client's W3C trace context from `params._meta` (`traceparent`, `tracestate`). A malformed
    /// `traceparent` is ignored, as the W3C specification asks: the run then starts a trace of its own.
    func traceContext(_ meta: JSONObject?) throws(ResponseError) -> TraceContext? {
        guard let members = meta else { return nil }
        var values: [String: String] = [:]
        for key in ["traceparent", "tracestate"] {
            guard let value = members[key] else { continue }
            guard let text = value.stringValue else {
                throw .invalidParams(field: "params._meta.\(key)", "expected a string, got \(value.typeName)")
            }
            values[key] = text
        }
        guard let traceParent = values["traceparent"] else { return nil }
        guard let context = TraceContext(traceParent: traceParent, traceState: values["tracestate"]) else {
            logger.debug("Ignored a malformed traceparent", metadata: ["traceparent": "\(traceParent.prefix(64))"])
            return nil
        }
        return context
    }

    /// Counts the request and times it to its reply (`agentwire_requests_total`,
    /// `agentwire_request_duration_seconds`); unknown methods share one label.
    func measured(_ responder: Responder, method: String) -> Responder {
        guard runtime.telemetry.enabled else { return responder }
        let label = Self.requestMethods.contains(method) ? method : "unknown"
        let metrics = runtime.telemetry.metrics
        let started = ContinuousClock.now
        return responder.observed { failed in
            let elapsed = ContinuousClock.now - started
            let nanoseconds =
                elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
            metrics.requestAnswered(method: label, failed: failed, nanoseconds: nanoseconds)
        }
    }
}

extension AgentServer {
    /// Samples the bytes waiting in `connection`'s outbound queue whenever metrics are read
    /// (`agentwire_outbound_queue_bytes`).
    public func watchQueue(of connection: Connection) {
        let telemetry = runtime.telemetry
        telemetry.addSampler { [weak outbound = connection.outbound] in
            telemetry.metrics.outboundQueueBytes.record(outbound?.queuedBytes ?? 0)
        }
    }
}
