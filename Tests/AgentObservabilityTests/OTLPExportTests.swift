import AgentCore
import AgentObservability
import Foundation
import JSONCore
import Logging
import Metrics
import Testing

// Spans exported over OTLP/HTTP (JSON) to a collector on loopback: names, parent links and attributes,
// and the same ids the run reported for `run/trace`.

@Suite struct OTLPExportTests {
    @Test func aWorkflowsSpansReachTheCollectorWithTheIdsOfRunTrace() async throws {
        let receiver = try await OTLPReceiver.start()
        var logger = Logger(label: "test.otlp")
        logger.logLevel = .warning
        let tracing = try OTLPTracing(
            endpoint: "http://127.0.0.1:\(receiver.port)",
            encoding: .json,
            scheduleDelay: .milliseconds(20),
            logger: logger
        )
        let exporter = Task { try? await tracing.run() }
        let runtime = AgentRuntime(
            config: .builtIn,
            telemetry: Telemetry(metrics: NOOPMetricsHandler.instance, tracer: tracing.tracer)
        )
        let collector = SpanCollector()
        let traceId = "0af7651916cd43dd8448eb211c80319c"
        _ = try await runtime.run(
            workflow: WorkflowDefinition(
                name: "pair",
                strategy: .parallel([ParallelTask(agent: "echo"), ParallelTask(agent: "echo")], aggregate: .concat)
            ),
            input: "alpha beta",
            runId: "run_otlp",
            observer: collector,
            options: RunOptions(traceContext: TraceContext(traceId: traceId, spanId: "b7ad6b7169203331"))
        )
        let reported = collector.spans
        #expect(reported.count == 6)

        // Wait for the batch to arrive, then read every span the collector got.
        var exported: [JSONValue] = []
        let arrived = try await eventually {
            exported = receiver.requests.flatMap { request -> [JSONValue] in
                guard let body = try? JSONValue.parse(request.body) else { return [] }
                return (body["resourceSpans"]?.arrayValue ?? []).flatMap { resource in
                    (resource["scopeSpans"]?.arrayValue ?? []).flatMap { $0["spans"]?.arrayValue ?? [] }
                }
            }
            return exported.count >= 6
        }
        exporter.cancel()
        await receiver.stop()
        #expect(arrived, "received \(receiver.requests.count) requests")
        #expect(
            receiver.requests.allSatisfy { $0.path == "/v1/traces" && $0.contentType.hasPrefix("application/json") }
        )
        #expect(exported.count == 6)

        // The same spans: ids, names and parents as `run/trace` reported them. swift-otel writes ids with
        // protobuf's JSON mapping for bytes (base64), not OTLP/JSON's hex.
        func hex(_ value: JSONValue?) -> String? {
            guard let text = value?.stringValue, !text.isEmpty else { return nil }
            guard let bytes = Data(base64Encoded: text) else { return text.lowercased() }
            return bytes.map { String(format: "%02x", $0) }.joined()
        }
        for record in reported {
            let span = try #require(
                exported.first { hex($0["spanId"]) == record.spanId },
                "\(record.name) not exported"
            )
            #expect(hex(span["traceId"]) == traceId)
            #expect(span["name"]?.stringValue == record.name)
            #expect(hex(span["parentSpanId"]) == record.parentSpanId)
        }
        let run = try #require(reported.last)
        #expect(run.name == "workflow.run")
        #expect(run.parentSpanId == "b7ad6b7169203331")
        let exportedRun = try #require(exported.first { hex($0["spanId"]) == run.spanId })
        let attributes = Dictionary(
            (exportedRun["attributes"]?.arrayValue ?? []).compactMap { entry -> (String, JSONValue)? in
                guard let key = entry["key"]?.stringValue, let value = entry["value"] else { return nil }
                return (key, value)
            },
            uniquingKeysWith: { first, _ in first }
        )
        #expect(attributes["agentwire.strategy"]?["stringValue"] == "parallel")
        #expect(attributes["agentwire.status"]?["stringValue"] == "completed")
        #expect(attributes["gen_ai.usage.output_tokens"]?["intValue"]?.stringValue == "4")
        let calls = exported.filter { $0["name"] == "llm.call" }
        #expect(calls.count == 2)
        for call in calls {
            let keys = (call["attributes"]?.arrayValue ?? []).compactMap { $0["key"]?.stringValue }
            #expect(keys.contains("gen_ai.request.model"))
            #expect(keys.contains("agentwire.agent"))
        }
    }
}
