import AgentCore
import FakeModelServer
import Foundation
import JSONCore
import JSONRPC
import Testing

/// A fake model that calls `weather` (forced), then answers once it has the tool's result.
private func weatherModel() async throws -> FakeModelServer {
    try await FakeModelServer.start { request in
        if request.bodyText.contains(#""role":"tool""#) {
            return [.send(Array((StreamScript.eventStreamHead + StreamScript.reply(["It ", "is ", "sunny."])).utf8))]
        }
        let call = StreamScript.toolCall(id: "call_w", name: "weather", arguments: #"{"city": "Paris"}"#)
        let body =
            StreamScript.eventStreamHead + StreamScript.roleChunk + call + StreamScript.finish("tool_calls")
            + StreamScript.done
        return [.send(Array(body.utf8))]
    }
}

private func config(baseURL: String, permission: String = "ask", askTimeoutMs: Int = 30_000) throws -> AgentConfig {
    try .mergedOverBuiltIns(
        """
        {
          "tools": {
            "weather": {
              "description": "Current weather of a city",
              "command": ["/bin/echo", "forecast for {{city}}: sunny"],
              "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
              "permission": "\(permission)",
              "askTimeoutMs": \(askTimeoutMs)
            }
          },
          "agents": {
            "forecaster": {
              "provider": {"type": "openai", "baseURL": "\(baseURL)", "model": "m", "retries": 0,
                           "tools": ["weather"], "toolChoice": "weather"}
            }
          }
        }
        """
    )
}

@Suite struct ToolPermissionTests {
    static let runParams: JSONValue = ["agent": "forecaster", "input": "Weather in Paris?"]

    @Test func anAllowedToolRunsAndItsEventsStream() async throws {
        let server = try await weatherModel()
        defer { Task { await server.stop() } }
        let client = TestClient(config: try config(baseURL: server.baseURL))
        let id = client.sendRequest("agent/run", Self.runParams)
        let ask = try await client.waitFor { $0["method"] == "permission/request" }
        let question = ask.message
        #expect(question["id"] == "permission-1")
        #expect(question["params", "tool"] == "weather")
        #expect(question["params", "arguments"] == ["city": "Paris"])
        #expect(
            question["params", "options"]?.arrayValue?.compactMap { $0["optionId"]?.stringValue } == [
                "allow_once", "allow_always", "reject",
            ]
        )
        client.send(["jsonrpc": "2.0", "id": "permission-1", "result": ["optionId": "allow_once"]])
        let reply = try await client.response(to: id).message
        #expect(reply["result", "output"] == "It is sunny.", "\(reply.jsonString)")
        let runId = try #require(reply["result", "runId"]?.stringValue)
        let tools = client.runNotificationParams(runId, method: "run/tool")
        #expect(tools.compactMap { $0["status"]?.stringValue } == ["started", "completed"])
        #expect(tools.last?["output"] == "forecast for Paris: sunny\n")
        #expect(tools.last?["toolCallId"] == "call_w")
        #expect(tools.last?["durationMs"]?.integerValue != nil)
        // Events before the question were sent before it.
        let started = try #require(client.runNotifications(runId).first { $0.message["method"] == "run/tool" })
        #expect(started.index < ask.index)
        let usage = client.runNotificationParams(runId, method: "run/step").last?["usage"]
        #expect(usage?["source"] == "counted")
    }

    @Test func anErrorAnswerRejectsTheToolAndTheRunGoesOn() async throws {
        let server = try await weatherModel()
        defer { Task { await server.stop() } }
        let client = TestClient(config: try config(baseURL: server.baseURL))
        let id = client.sendRequest("agent/run", Self.runParams)
        let ask = try await client.waitFor { $0["method"] == "permission/request" }
        client.send([
            "jsonrpc": "2.0", "id": ask.message["id"]!, "error": ["code": -32601, "message": "Method not found"],
        ])
        let reply = try await client.response(to: id).message
        let runId = try #require(reply["result", "runId"]?.stringValue, "\(reply.jsonString)")
        let tools = client.runNotificationParams(runId, method: "run/tool")
        #expect(tools.compactMap { $0["status"]?.stringValue } == ["started", "failed"])
        #expect(tools.last?["error"] == "permission was not granted")
        let toolMessage = try JSONValue.parse(server.requests.last!.bodyText)["messages"]?.arrayValue?.last
        #expect(toolMessage?["content"] == "error: permission was not granted")
    }

    @Test func aClientThatNeverAnswersGetsTheToolRejected() async throws {
        let server = try await weatherModel()
        defer { Task { await server.stop() } }
        let client = TestClient(config: try config(baseURL: server.baseURL, askTimeoutMs: 300))
        let reply = try await client.request("agent/run", Self.runParams)
        let runId = try #require(reply["result", "runId"]?.stringValue, "\(reply.jsonString)")
        #expect(client.notifications("permission/request").isEmpty)  // requests carry an id
        #expect(client.messages.contains { $0["method"] == "permission/request" })
        #expect(client.runNotificationParams(runId, method: "run/tool").last?["error"] == "permission was not granted")
    }

    @Test func allowAlwaysIsRememberedForTheConnection() async throws {
        let server = try await weatherModel()
        defer { Task { await server.stop() } }
        let client = TestClient(config: try config(baseURL: server.baseURL))
        let first = client.sendRequest("agent/run", Self.runParams)
        let ask = try await client.waitFor { $0["method"] == "permission/request" }
        client.send([
            "jsonrpc": "2.0", "id": ask.message["id"]!,
            "result": ["outcome": ["outcome": "selected", "optionId": "allow_always"]],
        ])
        _ = try await client.response(to: first)
        let second = try await client.request("agent/run", Self.runParams)
        let runId = try #require(second["result", "runId"]?.stringValue)
        #expect(client.messages.filter { $0["method"] == "permission/request" }.count == 1)
        #expect(client.runNotificationParams(runId, method: "run/tool").last?["status"] == "completed")
    }

    @Test func cancellingARunWaitingForPermissionEndsIt() async throws {
        let server = try await weatherModel()
        defer { Task { await server.stop() } }
        let client = TestClient(config: try config(baseURL: server.baseURL))
        let id = client.sendRequest("agent/run", Self.runParams)
        _ = try await client.waitFor { $0["method"] == "permission/request" }
        client.notify("$/cancelRequest", ["id": id.json])
        let reply = try await client.response(to: id).message
        #expect(reply["error"] != nil || reply["result", "stopReason"] == "cancelled", "\(reply.jsonString)")
    }

    @Test func anUnreachableServerIsAProviderFailureAndTheServiceKeepsServing() async throws {
        let refusing = try RefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        let client = TestClient(config: try config(baseURL: refusing.baseURL))
        let reply = try await client.request("agent/run", Self.runParams)
        #expect(reply["error", "code"] == -32010, "\(reply.jsonString)")
        #expect(reply["error", "data", "retryable"] == true)
        let suggestions = reply["error", "data", "suggestions"]?.arrayValue ?? []
        #expect(suggestions.contains { ($0.stringValue ?? "").hasPrefix("Is the server running at http://127.0.0.1:") })
        let echo = try await client.request("agent/run", ["agent": "echo", "input": "still here"])
        #expect(echo["result", "output"] == "still here")
    }
}
