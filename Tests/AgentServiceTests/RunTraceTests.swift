import AgentCore
import AgentService
import JSONCore
import JSONRPC
import Metrics
import Testing
import Tracing

// `run/trace`: the spans of a run streamed to a client that asked, before the run's response, with
// parent links mirroring the step tree, the client's W3C trace context joined, and secrets kept out.

private func tracingClient(config: AgentConfig = .builtIn, redactor: Redactor = Redactor()) -> TestClient {
    TestClient(
        config: config,
        telemetry: Telemetry(metrics: NOOPMetricsHandler.instance, tracer: NoOpTracer(), redactor: redactor)
    )
}

extension TestClient {
    /// The `run/trace` params of run `runId`, in arrival order.
    fileprivate func spans(_ runId: String) -> [JSONValue] {
        runNotificationParams(runId, method: "run/trace")
    }
}

@Suite struct RunTraceTests {
    @Test func aNestedWorkflowsSpansMirrorItsStepTreeAndArriveBeforeTheResponse() async throws {
        let client = tracingClient(config: try coordinatorConfig())
        let id = client.sendRequest(
            "coordinator/sequential",
            ["input": "one two", "steps": [["agent": "w1"], ["agent": "w2"]], "stream": ["traces": true]]
        )
        let reply = try await client.response(to: id)
        let runId = try #require(reply.message["result", "runId"]?.stringValue)
        let traces = client.runNotifications(runId).filter { $0.message["method"] == "run/trace" }
        // Every span is on the wire before the response, and the run's own span is the last.
        #expect(traces.count == 6)
        #expect(traces.allSatisfy { $0.index < reply.index })
        let spans = traces.map { $0.message["params"]! }
        let seqs = spans.compactMap { $0["seq"]?.integerValue }
        #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count)

        let run = try #require(spans.last)
        #expect(run["name"] == "workflow.run")
        #expect(run["parentSpanId"] == .null)
        #expect(run["attributes", "agentwire.strategy"] == "sequential")
        #expect(run["attributes", "agentwire.status"] == "completed")
        #expect(run["attributes", "gen_ai.usage.output_tokens"] == 4)
        #expect(run["status", "code"] == "ok")
        let traceId = try #require(run["traceId"]?.stringValue)
        #expect(traceId.count == 32)
        #expect(spans.allSatisfy { $0["traceId"]?.stringValue == traceId })
        #expect(Set(spans.compactMap { $0["spanId"]?.stringValue }).count == 6)

        func step(_ stepId: String) throws -> JSONValue {
            try #require(
                spans.first { $0["name"] == "step" && $0["attributes", "agentwire.step_id"]?.stringValue == stepId }
            )
        }
        func modelCall(_ stepId: String) throws -> JSONValue {
            try #require(
                spans.first { $0["name"] == "llm.call" && $0["attributes", "agentwire.step_id"]?.stringValue == stepId }
            )
        }
        // run → step 1 (the workflow) → steps 1.1, 1.2 → one model call each.
        #expect(try step("1")["parentSpanId"] == run["spanId"])
        #expect(try step("1.1")["parentSpanId"] == step("1")["spanId"])
        #expect(try step("1.2")["parentSpanId"] == step("1")["spanId"])
        #expect(try modelCall("1.1")["parentSpanId"] == step("1.1")["spanId"])
        #expect(try modelCall("1.2")["parentSpanId"] == step("1.2")["spanId"])
        let call = try modelCall("1.2")
        #expect(call["attributes", "agentwire.agent"] == "w2")
        #expect(call["attributes", "gen_ai.request.model"] == "echo")
        #expect(call["attributes", "gen_ai.usage.output_tokens"] == 2)
        #expect(call["attributes", "gen_ai.usage.input_tokens"] == 2)
        #expect(call["attributes", "agentwire.status"] == "completed")
        #expect(try step("1.1")["attributes", "agentwire.strategy"] == "sequential")
        for span in spans {
            let start = try #require(span["startTimeUnixNano"]?.integerValue)
            let end = try #require(span["endTimeUnixNano"]?.integerValue)
            #expect(start > 1_600_000_000_000_000_000 && end >= start)
        }
        // Children start within their parents.
        #expect(
            try modelCall("1.1")["startTimeUnixNano"]!.integerValue! >= step("1.1")["startTimeUnixNano"]!.integerValue!
        )
    }

    @Test func tracesAreSentOnlyToClientsThatAskedForThem() async throws {
        let client = tracingClient()
        let (_, quiet) = try await client.requestRun("agent/run", ["agent": "echo", "input": "a b"])
        #expect(client.spans(quiet).isEmpty)
        _ = try await client.request("initialize", ["stream": ["traces": true]])
        let (_, loud) = try await client.requestRun("agent/run", ["agent": "echo", "input": "a b"])
        #expect(client.spans(loud).map { $0["name"]?.stringValue } == ["llm.call", "step", "agent.run"])
        // Per request, a connection-wide choice can be undone.
        let (_, undone) = try await client.requestRun(
            "agent/run",
            ["agent": "echo", "input": "a b", "stream": ["traces": false]]
        )
        #expect(client.spans(undone).isEmpty)
    }

    @Test func theRunJoinsTheClientsTraceFromMeta() async throws {
        let client = tracingClient()
        let traceId = "4bf92f3577b34da6a3ce929d0e0e4736"
        let parent = "00f067aa0ba902b7"
        let (_, runId) = try await client.requestRun(
            "agent/run",
            [
                "agent": "echo", "input": "hello there", "stream": ["traces": true],
                "_meta": ["traceparent": .string("00-\(traceId)-\(parent)-01"), "tracestate": "vendor=abc"],
            ]
        )
        let spans = client.spans(runId)
        #expect(spans.count == 3)
        #expect(spans.allSatisfy { $0["traceId"]?.stringValue == traceId })
        let run = try #require(spans.last)
        #expect(run["name"] == "agent.run")
        #expect(run["parentSpanId"]?.stringValue == parent)
    }

    @Test func aMalformedTraceparentStartsATraceOfItsOwn() async throws {
        let client = tracingClient()
        let (_, runId) = try await client.requestRun(
            "agent/run",
            ["agent": "echo", "input": "x", "stream": ["traces": true], "_meta": ["traceparent": "00-zz-yy-01"]]
        )
        let run = try #require(client.spans(runId).last)
        #expect(run["parentSpanId"] == .null)
        #expect(run["traceId"]?.stringValue?.count == 32)
        let bad = try await client.request(
            "agent/run",
            ["agent": "echo", "input": "x", "_meta": ["traceparent": 7]]
        )
        #expect(bad["error", "code"] == -32602)
    }

    @Test func aFailedRunsSpansCarryTheErrorStatus() async throws {
        let client = tracingClient(config: try coordinatorConfig())
        let id = client.sendRequest("agent/run", ["agent": "fragile", "input": "x", "stream": ["traces": true]])
        let reply = try await client.response(to: id)
        #expect(reply.message["error"] != nil)
        let runId = try #require(reply.message["error", "data", "runId"]?.stringValue)
        let spans = client.spans(runId)
        #expect(spans.map { $0["status", "code"]?.stringValue } == ["error", "error", "error"])
        #expect(spans.last?["attributes", "agentwire.status"] == "failed")
        #expect(spans.first?["status", "message"]?.stringValue?.contains("timed out") == true)
    }

    @Test func secretsNeverReachSpansAndLongTextsAreCut() async throws {
        let client = tracingClient(redactor: Redactor(maxLength: 80, secrets: ["hunter2-hunter2"]))
        let input = """
            Use sk-abcdefghijklmnopqrstuv with Authorization: Bearer eyJhbGciOi.payload.sig and \
            api_key=AKIA1234567890 and the password hunter2-hunter2, then tell me a long story about \
            nothing in particular so that this input is far longer than eighty characters.
            """
        let (_, runId) = try await client.requestRun(
            "agent/run",
            ["agent": "echo", "input": .string(input), "stream": ["traces": true]]
        )
        let spans = client.spans(runId)
        #expect(spans.count == 3)
        let text = JSONValue.array(spans).jsonString
        for secret in ["sk-abcdefghijklmnopqrstuv", "eyJhbGciOi", "AKIA1234567890", "hunter2-hunter2"] {
            #expect(!text.contains(secret), "\(secret) leaked")
        }
        let recorded = try #require(spans.last?["attributes", "agentwire.input"]?.stringValue)
        #expect(recorded.contains("[REDACTED]"))
        #expect(recorded.contains("truncated"))
        #expect(recorded.count < 140)
    }
}
