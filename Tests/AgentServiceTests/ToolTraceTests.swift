import AgentCore
import FakeModelServer
import JSONCore
import JSONRPC
import Metrics
import Testing
import Tracing

// A run that calls a tool: the tool call has its own span under the model call that asked for it, and
// every request to the model server carries the run's W3C trace context, so the server's spans join it.

/// A fake model that calls `weather` with `arguments`, then answers `answer` once it has the tool's
/// result; and an in-process client whose `forecaster` agent uses it, with `weather` running `command`.
private func weatherRun(
    arguments: String,
    answer: String,
    command: String
) async throws -> (server: FakeModelServer, client: TestClient) {
    let server = try await FakeModelServer.start { request in
        if request.bodyText.contains(#""role":"tool""#) {
            return [.send(Array((StreamScript.eventStreamHead + StreamScript.reply([answer])).utf8))]
        }
        let call = StreamScript.toolCall(id: "call_w", name: "weather", arguments: arguments)
        let body =
            StreamScript.eventStreamHead + StreamScript.roleChunk + call + StreamScript.finish("tool_calls")
            + StreamScript.done
        return [.send(Array(body.utf8))]
    }
    let config = try AgentConfig.mergedOverBuiltIns(
        """
        {
          "tools": {
            "weather": {
              "command": ["/bin/echo", "\(command)"],
              "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
              "permission": "allow"
            }
          },
          "agents": {
            "forecaster": {
              "provider": {"type": "openai", "baseURL": "\(server.baseURL)", "model": "m", "retries": 0,
                           "tools": ["weather"]}
            }
          }
        }
        """
    )
    let client = TestClient(
        config: config,
        telemetry: Telemetry(metrics: NOOPMetricsHandler.instance, tracer: NoOpTracer())
    )
    return (server, client)
}

@Suite struct ToolTraceTests {
    @Test func aToolCallsSpanSitsUnderItsModelCallAndTheModelServerJoinsTheTrace() async throws {
        let (server, client) = try await weatherRun(
            arguments: #"{"city": "Paris"}"#,
            answer: "Sunny.",
            command: "forecast for {{city}}"
        )
        defer { Task { await server.stop() } }
        let traceId = "4bf92f3577b34da6a3ce929d0e0e4736"
        let (result, runId) = try await client.requestRun(
            "agent/run",
            [
                "agent": "forecaster", "input": "Weather in Paris?", "stream": ["traces": true],
                "_meta": ["traceparent": .string("00-\(traceId)-00f067aa0ba902b7-01"), "tracestate": "vendor=abc"],
            ]
        )
        #expect(result["output"] == "Sunny.", "\(result.jsonString)")
        let spans = client.runNotificationParams(runId, method: "run/trace")
        let modelCall = try #require(spans.first { $0["name"] == "llm.call" })
        let tool = try #require(spans.first { $0["name"] == "tool.call" })
        #expect(tool["parentSpanId"] == modelCall["spanId"])
        #expect(tool["traceId"]?.stringValue == traceId)
        #expect(tool["attributes", "agentwire.tool"] == "weather")
        #expect(tool["attributes", "agentwire.tool_call_id"] == "call_w")
        #expect(tool["attributes", "agentwire.tool.arguments"] == #"{"city":"Paris"}"#)
        #expect(tool["attributes", "agentwire.output"] == "forecast for Paris\n")
        #expect(tool["attributes", "agentwire.status"] == "completed")
        #expect(tool["status", "code"] == "ok")
        // The tool span ended before its model call did, and is on the wire before it.
        let names = spans.compactMap { $0["name"]?.stringValue }
        #expect(names.firstIndex(of: "tool.call")! < names.firstIndex(of: "llm.call")!)

        // Both requests the model call made carry the trace, with the model call as the parent.
        let requests = server.requests
        #expect(requests.count == 2)
        let spanId = try #require(modelCall["spanId"]?.stringValue)
        for request in requests {
            #expect(request.header("traceparent") == "00-\(traceId)-\(spanId)-01")
            #expect(request.header("tracestate") == "vendor=abc")
        }
    }

    @Test func aToolThatFailsEndsItsSpanWithTheError() async throws {
        let (server, client) = try await weatherRun(arguments: #"{"city": 3}"#, answer: "No luck.", command: "{{city}}")
        defer { Task { await server.stop() } }
        let (_, runId) = try await client.requestRun(
            "agent/run",
            ["agent": "forecaster", "input": "Weather?", "stream": ["traces": true]]
        )
        let tool = try #require(
            client.runNotificationParams(runId, method: "run/trace").first { $0["name"] == "tool.call" }
        )
        #expect(tool["status", "code"] == "error")
        #expect(tool["attributes", "agentwire.status"] == "failed")
        #expect(tool["attributes", "agentwire.error"]?.stringValue?.contains("invalid arguments") == true)
    }
}
