import AgentCore
import AgentService
import JSONCore
import JSONRPC
import Metrics
import MetricsTestKit
import Testing
import Tracing

// Metrics of runs, workflows, model calls and requests, read through swift-metrics' TestMetrics: each
// test injects its own factory, so tests running in parallel never see each other's counts.

@Suite struct TelemetryMetricsTests {
    @Test func exactCountsAfterAKnownMixOfRunsAndWorkflows() async throws {
        let metrics = TestMetrics()
        let client = TestClient(
            config: try coordinatorConfig(),
            telemetry: Telemetry(metrics: metrics, tracer: NoOpTracer())
        )
        for input in ["a b c", "d e f"] {
            _ = try await client.requestRun("agent/run", ["agent": "w1", "input": .string(input)])
        }
        let failed = try await client.request("agent/run", ["agent": "fragile", "input": "never"])
        #expect(failed["error"] != nil)
        _ = try await client.requestRun(
            "coordinator/sequential",
            ["input": "x y", "steps": [["agent": "w1"], ["agent": "w2"]]]
        )
        _ = try await client.requestRun(
            "coordinator/parallel",
            ["input": "p q r s", "tasks": [["agent": "w1"], ["agent": "w2"]]]
        )
        _ = try await client.request("ping")

        func counter(_ label: String, _ dimensions: [(String, String)]) throws -> Int64 {
            try metrics.expectCounter(label, dimensions).totalValue
        }
        // Agent runs (stream sessions) and workflows, by how they ended.
        #expect(try counter("stream_sessions_total", [("agent", "w1"), ("status", "completed")]) == 2)
        #expect(try counter("stream_sessions_total", [("agent", "fragile"), ("status", "failed")]) == 1)
        #expect(metrics.counters(label: "stream_sessions_total").count == 2)
        #expect(try metrics.expectMeter("stream_sessions_active", [("agent", "w1")]).lastValue == 0)
        #expect(try metrics.expectMeter("stream_sessions_active", [("agent", "fragile")]).lastValue == 0)
        #expect(
            try metrics.expectTimer("stream_session_duration_seconds", [("agent", "w1"), ("status", "completed")])
                .values.count == 2
        )
        #expect(try counter("coordinator_workflows_total", [("strategy", "sequential"), ("status", "completed")]) == 1)
        #expect(try counter("coordinator_workflows_total", [("strategy", "parallel"), ("status", "completed")]) == 1)
        #expect(
            try metrics.expectTimer(
                "coordinator_workflow_duration_seconds",
                [("strategy", "parallel"), ("status", "completed")]
            ).values.count == 1
        )
        // Model calls: w1 ran twice alone and once in each workflow; w2 once in each workflow.
        #expect(try counter("llm_calls_total", [("model", "echo"), ("agent", "w1"), ("status", "completed")]) == 4)
        #expect(try counter("llm_calls_total", [("model", "echo"), ("agent", "w2"), ("status", "completed")]) == 2)
        #expect(try counter("llm_calls_total", [("model", "echo"), ("agent", "fragile"), ("status", "failed")]) == 1)
        #expect(
            try metrics.expectTimer(
                "llm_call_duration_seconds",
                [("model", "echo"), ("agent", "w1"), ("status", "completed")]
            )
            .values.count == 4
        )
        // Tokens: w1 echoed 3 + 3 + 2 + 4 words, w2 2 (w1's output) + 4.
        #expect(try counter("stream_chunks_sent_total", [("agent", "w1")]) == 12)
        #expect(try counter("stream_chunks_sent_total", [("agent", "w2")]) == 6)
        #expect(try counter("llm_tokens_used_total", [("model", "echo"), ("agent", "w1"), ("type", "output")]) == 12)
        #expect(try counter("llm_tokens_used_total", [("model", "echo"), ("agent", "w1"), ("type", "input")]) == 12)
        #expect(try counter("llm_tokens_used_total", [("model", "echo"), ("agent", "w2"), ("type", "output")]) == 6)
        // Requests, by method and outcome.
        #expect(try counter("agentwire_requests_total", [("method", "agent/run"), ("status", "ok")]) == 2)
        #expect(try counter("agentwire_requests_total", [("method", "agent/run"), ("status", "error")]) == 1)
        #expect(try counter("agentwire_requests_total", [("method", "coordinator/parallel"), ("status", "ok")]) == 1)
        #expect(try counter("agentwire_requests_total", [("method", "ping"), ("status", "ok")]) == 1)
        #expect(
            try metrics.expectTimer("agentwire_request_duration_seconds", [("method", "agent/run")]).values.count == 3
        )
    }

    @Test func metricHandlesAreMadeOncePerLabelSetNotPerToken() async throws {
        let metrics = TestMetrics()
        let client = TestClient(telemetry: Telemetry(metrics: metrics, tracer: NoOpTracer()))
        let words = (1...2000).map { "w\($0)" }.joined(separator: " ")
        for _ in 0..<3 { _ = try await client.requestRun("agent/run", ["agent": "echo", "input": .string(words)]) }
        // One handle per label set however many tokens and runs went through it.
        #expect(metrics.counters(label: "stream_chunks_sent_total").count == 1)
        #expect(try metrics.expectCounter("stream_chunks_sent_total", [("agent", "echo")]).totalValue == 6000)
        #expect(metrics.counters(label: "llm_tokens_used_total").count == 2)
    }

    @Test func unknownMethodsShareOneLabel() async throws {
        let metrics = TestMetrics()
        let client = TestClient(telemetry: Telemetry(metrics: metrics, tracer: NoOpTracer()))
        for method in ["nope/one", "nope/two", "nope/three"] { _ = try await client.request(method) }
        #expect(
            try metrics.expectCounter("agentwire_requests_total", [("method", "unknown"), ("status", "error")])
                .totalValue
                == 3
        )
        #expect(metrics.counters(label: "agentwire_requests_total").count == 1)
    }

    @Test func theBinaryAnswersMetricsGetInPrometheusText() async throws {
        let client = try TestClient(binaryArguments: ["--store", "memory"])
        _ = try await client.requestRun("agent/run", ["agent": "echo", "input": "one two three"])
        let reply = try await client.request("metrics/get")
        #expect(reply["result", "contentType"] == "text/plain; version=0.0.4; charset=utf-8")
        let text = try #require(reply["result", "text"]?.stringValue)
        #expect(text.contains(#"stream_sessions_total{agent="echo",status="completed"} 1"#), "\(text)")
        #expect(text.contains(#"llm_tokens_used_total{model="echo",agent="echo",type="output"} 3"#))
        #expect(text.contains(#"agentwire_requests_total{method="agent/run",status="ok"} 1"#))
        #expect(text.contains("# HELP agentwire_outbound_queue_bytes "))
        client.closeInput()
        #expect(try await client.waitForExit() == 0)
    }

    @Test func metricsGetWithoutABackendSaysSo() async throws {
        let client = TestClient()
        let reply = try await client.request("metrics/get")
        #expect(reply["result", "contentType"]?.stringValue?.hasPrefix("text/plain") == true)
        #expect(reply["result", "text"]?.stringValue?.hasPrefix("#") == true)
    }
}
