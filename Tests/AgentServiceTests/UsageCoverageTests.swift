import AgentCore
import AgentService
import FakeModelServer
import Foundation
import JSONCore
import JSONRPC
import Testing

// Cost on the MCP face, budgets from a workflow's config and on the detached and session requests, a model
// asked of a provider without models, and an output schema handed to a command provider.

/// A model server that streams "all fine" and reports 1000 input and 2 output tokens.
private func pricedServer() async throws -> FakeModelServer {
    try await FakeModelServer.start { _ in
        let body =
            StreamScript.eventStreamHead + StreamScript.roleChunk
            + ["all ", "fine"].map(StreamScript.content).joined() + StreamScript.finish()
            + StreamScript.usage(prompt: 1000, completion: 2) + StreamScript.done
        return [.send(Array(body.utf8))]
    }
}

/// `priced` (model `small`: $2.50 input, $10 output per million) on `server`, over the built-in agents.
private func pricedConfig(_ server: FakeModelServer) throws -> AgentConfig {
    try .mergedOverBuiltIns(
        """
        {
          "pricing": {"small": {"inputPerMillion": 2.5, "outputPerMillion": 10}},
          "agents": {
            "priced": {"provider": {"type": "openai", "baseURL": "\(server.baseURL)", "model": "small", "retries": 0}}
          }
        }
        """,
        file: "usage-coverage.json"
    )
}

/// 1000 input × $2.50 + 2 output × $10, per million.
private let callCost = 0.00252

/// `pair`: two echo steps, at most one model call by default; `scripted`: a command agent whose
/// program writes what it was given into `directory` (its instructions to `instructions`, the schema
/// to `schema`) and answers `{"name": "Ada"}`; `scripted-pair`: two `scripted` steps.
private func budgetAndCommandConfig(directory: StoreTestDirectory) throws -> AgentConfig {
    let script = """
        printf '%s' "$AGENTWIRE_SYSTEM_PROMPT" > '\(directory.path("instructions"))'
        printf '%s' "$AGENTWIRE_OUTPUT_SCHEMA" > '\(directory.path("schema"))'
        cat > /dev/null
        printf '{"name": "Ada"}'
        """
    let config: JSONValue = [
        "agents": [
            "scripted": [
                "provider": ["type": "command", "argv": ["/bin/sh", "-c", .string(script)]],
                "systemPrompt": "You name a mathematician.",
            ]
        ],
        "workflows": [
            "pair": [
                "strategy": "sequential", "steps": [["agent": "echo"], ["agent": "echo"]],
                "limits": ["budget": ["maxModelCalls": 1]],
            ],
            "scripted-pair": ["strategy": "sequential", "steps": [["agent": "scripted"], ["agent": "scripted"]]],
        ],
    ]
    return try .mergedOverBuiltIns(config.jsonString, file: "usage-coverage.json")
}

@Suite struct UsageCoverageTests {
    @Test func anMCPToolResultCarriesTheRunsCostInMeta() async throws {
        let server = try await pricedServer()
        defer { Task { await server.stop() } }
        let client = TestClient.routed(config: try pricedConfig(server))
        let opened = try await client.request("initialize", ["protocolVersion": "2025-11-25", "capabilities": [:]])
        #expect(opened["result", "protocolVersion"] == "2025-11-25", "\(opened.jsonString)")
        client.notify("notifications/initialized")

        let reply = try await client.request("tools/call", ["name": "priced", "arguments": ["input": "hi"]])
        let result = try #require(reply["result"], "\(reply.jsonString)")
        #expect(result["isError"] == false, "\(reply.jsonString)")
        #expect(result["content"]?.arrayValue?.first == ["type": "text", "text": "all fine"])
        let usage = try #require(result["_meta", "agentwire", "usage"], "\(reply.jsonString)")
        #expect(usage["inputTokens"] == 1000)
        #expect(usage["outputTokens"] == 2)
        #expect(usage["modelCalls"] == 1)
        #expect(usage["model"] == "small")
        #expect(usage["costUsd"]?.doubleValue == callCost, "\(usage.jsonString)")

        // An unpriced run has usage in `_meta` but no cost.
        let echo = try await client.request("tools/call", ["name": "echo", "arguments": ["input": "a b"]])
        #expect(echo["result", "_meta", "agentwire", "usage", "outputTokens"] == 2, "\(echo.jsonString)")
        #expect(echo["result", "_meta", "agentwire", "usage", "costUsd"] == nil, "\(echo.jsonString)")
    }

    @Test func aWorkflowsConfiguredBudgetStopsItUnlessTheRequestReplacesIt() async throws {
        let directory = try StoreTestDirectory()
        let client = TestClient(config: try budgetAndCommandConfig(directory: directory))

        // No request budget: the workflow's own stops it before its second model call.
        let stopped = try await client.request("workflow/run", ["workflow": "pair", "input": "ship it"])
        let error = try #require(stopped["error"], "\(stopped.jsonString)")
        #expect(error["code"] == -32011)
        #expect(error["data", "limit"] == "maxModelCalls")
        #expect(error["data", "modelCalls"] == 1)
        #expect(error["data", "retryable"] == false)
        #expect(error["data", "partialOutput"] == "ship it", "\(stopped.jsonString)")
        let stoppedId = try #require(error["data", "runId"]?.stringValue)
        let steps = client.runNotificationParams(stoppedId, method: "run/step")
        #expect(steps.filter { $0["status"] == "completed" }.count == 1, "the second step never completed: \(steps)")

        // A request budget naming another member leaves the workflow's maxModelCalls in force.
        let stillStopped = try await client.request(
            "workflow/run",
            ["workflow": "pair", "input": "ship it", "budget": ["maxOutputTokens": 100]]
        )
        #expect(stillStopped["error", "code"] == -32011, "\(stillStopped.jsonString)")
        #expect(stillStopped["error", "data", "limit"] == "maxModelCalls")

        // A request budget naming maxModelCalls replaces the workflow's.
        let (result, _) = try await client.requestRun(
            "workflow/run",
            ["workflow": "pair", "input": "ship it", "budget": ["maxModelCalls": 2]]
        )
        #expect(result["output"] == "ship it")
        #expect(result["usage", "modelCalls"] == 2)
    }

    @Test func aBudgetOnAgentStartFailsTheKeptRunWithMinus32011() async throws {
        let client = TestClient()
        let (runId, _) = try await client.startDetached(
            ["agent": "echo", "input": "one two three", "budget": ["maxOutputTokens": 2]]
        )
        let ended = try await client.awaitRunStatus(runId)
        #expect(ended.message["result", "status"] == "failed", "\(ended.message.jsonString)")
        let info = try await client.storeResult("run/get", ["runId": .string(runId)])
        #expect(info["status"] == "failed")
        #expect(info["error", "code"] == -32011, "\(info.jsonString)")
        #expect(info["error", "message"]?.stringValue?.contains("maxOutputTokens") == true, "\(info.jsonString)")
        #expect(info["output"] == "one two ", "\(info.jsonString)")
        // The token past the budget was never streamed.
        #expect(client.runTokenTexts(runId).joined() == "one two ")
    }

    @Test func aBudgetOnSessionPromptIsAnsweredMinus32011() async throws {
        let client = TestClient()
        let opened = try await client.request("session/new", ["agent": "echo"])
        let sessionId = try #require(opened["result", "sessionId"]?.stringValue, "\(opened.jsonString)")
        let reply = try await client.request(
            "session/prompt",
            ["sessionId": .string(sessionId), "input": "one two three", "budget": ["maxOutputTokens": 2]]
        )
        let error = try #require(reply["error"], "\(reply.jsonString)")
        #expect(error["code"] == -32011)
        #expect(error["data", "limit"] == "maxOutputTokens")
        #expect(error["data", "partialOutput"] == "one two ")
        #expect(error["data", "outputTokens"] == 2)

        // Without a budget the same session answers in full.
        let next = try await client.request(
            "session/prompt",
            ["sessionId": .string(sessionId), "input": "one two three"]
        )
        #expect(next["result", "output"] == "one two three", "\(next.jsonString)")
    }

    @Test func aCommandProviderRefusesAModelNamingParamsModel() async throws {
        let directory = try StoreTestDirectory()
        let client = TestClient(config: try budgetAndCommandConfig(directory: directory))
        for (method, params): (String, JSONValue) in [
            ("agent/run", ["agent": "scripted", "input": "who?", "model": "large"]),
            ("workflow/run", ["workflow": "scripted-pair", "input": "who?", "model": "large"]),
        ] {
            let reply = try await client.request(method, params)
            #expect(reply["error", "code"] == -32602, "\(method): \(reply.jsonString)")
            #expect(reply["error", "data", "field"] == "params.model", "\(method): \(reply.jsonString)")
            #expect(reply["error", "message"]?.stringValue?.contains("command") == true, "\(reply.jsonString)")
        }
        // Nothing ran.
        #expect(client.notifications("run/started").isEmpty)
        #expect(!FileManager.default.fileExists(atPath: directory.path("instructions")))
    }

    @Test func aCommandProviderGetsTheOutputSchemaInItsInstructions() async throws {
        let directory = try StoreTestDirectory()
        let client = TestClient(config: try budgetAndCommandConfig(directory: directory))
        let schema: JSONValue = [
            "type": "object", "required": ["name"], "properties": ["name": ["type": "string"]],
        ]
        let (result, _) = try await client.requestRun(
            "agent/run",
            ["agent": "scripted", "input": "who?", "outputSchema": schema]
        )
        #expect(result["structuredOutput"] == ["name": "Ada"], "\(result.jsonString)")

        // The agent's system prompt comes first, then the schema the reply must match.
        let instructions = try String(contentsOfFile: directory.path("instructions"), encoding: .utf8)
        #expect(instructions.hasPrefix("You name a mathematician.\n\n"), "\(instructions)")
        #expect(instructions.contains("JSON"), "\(instructions)")
        let lastLine = try #require(instructions.split(separator: "\n").last.map(String.init))
        #expect(try JSONValue.parse(lastLine) == schema, "\(instructions)")
        let passed = try String(contentsOfFile: directory.path("schema"), encoding: .utf8)
        #expect(try JSONValue.parse(passed) == schema)

        // Without a schema the instructions are the system prompt alone.
        let (plain, _) = try await client.requestRun("agent/run", ["agent": "scripted", "input": "who?"])
        #expect(plain["structuredOutput"] == nil)
        let unconstrained = try String(contentsOfFile: directory.path("instructions"), encoding: .utf8)
        #expect(unconstrained == "You name a mathematician.")
        #expect(try String(contentsOfFile: directory.path("schema"), encoding: .utf8) == "")
    }
}
