import AgentCore
import AgentService
import JSONCore
import JSONRPC
import Testing

// The MCP face: agents and workflows as tools, progress, cancellation without a reply, versions.

private func mcpConfig() throws -> AgentConfig {
    try .mergedOverBuiltIns(
        #"{"agents": {"too-slow": {"provider": {"type": "echo", "delayMs": 50}, "limits": {"timeoutMs": 150}}}}"#,
        file: "mcp-tests.json"
    )
}

extension TestClient {
    fileprivate static func mcp(store: any RunStore = MemoryRunStore()) async throws -> TestClient {
        let client = TestClient.routed(config: try mcpConfig(), store: store)
        let reply = try await client.request("initialize", ["protocolVersion": "2025-11-25", "capabilities": [:]])
        #expect(reply["result", "protocolVersion"] == "2025-11-25")
        client.notify("notifications/initialized")
        return client
    }

    fileprivate func callTool(_ name: String, _ input: String, progressToken: JSONValue? = nil) -> RequestID {
        var params: JSONObject = ["name": .string(name), "arguments": ["input": .string(input)]]
        if let progressToken { params["_meta"] = ["progressToken": progressToken] }
        return sendRequest("tools/call", .object(params))
    }
}

@Suite struct MCPServerTests {
    @Test func aCallStreamsProgressThenAnswers() async throws {
        let client = try await TestClient.mcp()
        let words = String.numberedWords(3000)
        let start = client.messages.count
        let reply = try await client.response(to: client.callTool("echo", words, progressToken: "tok"))
        let result = try #require(reply.message["result"], "\(reply.message.jsonString)")
        #expect(result["content"]?.arrayValue?.first == ["type": "text", "text": .string(words)])
        #expect(result["isError"] == false)
        #expect(result["_meta", "agentwire", "usage", "outputTokens"] == 3000)
        #expect(result["_meta", "agentwire", "runId"]?.stringValue?.hasPrefix("run_") == true)

        let progress = client.messages[start..<reply.index].filter { $0["method"] == "notifications/progress" }
        #expect(progress.allSatisfy { $0["params", "progressToken"] == "tok" })
        let values = progress.compactMap { $0["params", "progress"]?.integerValue }
        #expect(values.count >= 2 && zip(values, values.dropFirst()).allSatisfy { $0 < $1 })
        let text = progress.compactMap { $0["params", "message"]?.stringValue }.filter { !$0.hasPrefix("[step") }
        #expect(text.joined() == words)
        // Nothing for this call after its result.
        #expect(client.messages[reply.index...].allSatisfy { $0["method"] != "notifications/progress" })
    }

    @Test func withoutAProgressTokenOnlyTheResultArrives() async throws {
        let client = try await TestClient.mcp()
        let start = client.messages.count
        let reply = try await client.response(to: client.callTool("echo", "quiet please"))
        #expect(reply.message["result", "content"]?.arrayValue?.first == ["type": "text", "text": "quiet please"])
        #expect(reply.index == start)
    }

    /// MCP 2025-06-18: a result with `structuredContent` also carries it serialized in a text block. What
    /// the run produced is the structured content; facts about the run are in `_meta`.
    @Test func structuredContentIsAlsoTextAndRunFactsAreInMeta() async throws {
        let client = try await TestClient.mcp()
        let reply = try await client.request("tools/call", ["name": "echo", "arguments": ["input": "a b"]])
        let result = try #require(reply["result"], "\(reply.jsonString)")
        let structured = try #require(result["structuredContent"])
        #expect(structured == ["output": "a b", "stopReason": "end_turn", "agent": "echo"])
        let content = result["content"]?.arrayValue ?? []
        #expect(content.count == 2 && content.allSatisfy { $0["type"] == "text" })
        let serialized = try #require(content.last?["text"]?.stringValue)
        #expect(try JSONValue.parse(serialized) == structured)
        let run = try #require(result["_meta", "agentwire"])
        #expect(run["runId"]?.stringValue?.hasPrefix("run_") == true)
        #expect(run["usage", "outputTokens"] == 2 && run["durationMs"]?.integerValue != nil)

        // A workflow's steps, and a failure's error and partial output, are in both forms too.
        let workflow = try await client.request(
            "tools/call",
            ["name": "workflow_pipeline", "arguments": ["input": "ship it"]]
        )
        let steps = try #require(workflow["result", "structuredContent"])
        #expect(steps["workflow"] == "pipeline" && steps["strategy"] == "sequential")
        let workflowText = workflow["result", "content"]?.arrayValue?.last?["text"]?.stringValue ?? ""
        #expect(try JSONValue.parse(workflowText) == steps)
        let failed = try await client.request("tools/call", ["name": "too-slow", "arguments": ["input": "a b c d e"]])
        let failure = try #require(failed["result", "structuredContent"])
        #expect(failed["result", "isError"] == true && failure["error", "code"] == -32005)
        let failureText = failed["result", "content"]?.arrayValue?.last?["text"]?.stringValue ?? ""
        #expect(try JSONValue.parse(failureText) == failure)
        #expect(failed["result", "_meta", "agentwire", "runId"] != nil)
    }

    @Test func aWorkflowToolReportsItsSteps() async throws {
        let client = try await TestClient.mcp()
        let reply = try await client.request(
            "tools/call",
            ["name": "workflow_pipeline", "arguments": ["input": "ship it"], "_meta": ["progressToken": 7]]
        )
        #expect(reply["result", "content"]?.arrayValue?.first == ["type": "text", "text": "reviewed: ship it"])
        let steps = reply["result", "structuredContent", "steps"]?.arrayValue ?? []
        #expect(steps.compactMap { $0["agent"]?.stringValue } == ["echo", "echo"])
        let messages = client.notifications("notifications/progress").compactMap {
            $0["params", "message"]?.stringValue
        }
        #expect(messages.filter { $0.hasPrefix("[step") }.count >= 4)
    }

    @Test func cancelledCallsStopAndGetNoReply() async throws {
        let store = MemoryRunStore()
        let client = try await TestClient.mcp(store: store)
        let id = client.callTool("echo-slow", String.numberedWords(200), progressToken: "slow")
        _ = try await client.waitFor { $0["method"] == "notifications/progress" }
        client.notify("notifications/cancelled", ["requestId": id.json, "reason": "enough"])
        // The run ends cancelled; a later call is answered and the cancelled one never is.
        for _ in 0..<3000 {
            if (try? store.listRuns(RunQuery(status: .cancelled)))?.runs.isEmpty == false { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(try store.listRuns(RunQuery(status: .cancelled)).runs.count == 1)
        let after = try await client.response(to: client.callTool("echo", "next"))
        #expect(after.message["result", "content"]?.arrayValue?.first == ["type": "text", "text": "next"])
        #expect(!client.messages.contains { $0.isResponse(to: id) })
    }

    @Test func aFailingAgentIsAToolErrorAndAnUnknownToolAProtocolError() async throws {
        let client = try await TestClient.mcp()
        let words = String.numberedWords(20)
        let failed = try await client.response(to: client.callTool("too-slow", words))
        #expect(failed.message["result", "isError"] == true, "\(failed.message.jsonString)")
        #expect(failed.message["result", "structuredContent", "error", "code"] == -32005)
        // What streamed before the time limit is kept (how much depends on the machine's load).
        let partial = failed.message["result", "structuredContent", "partialOutput"]?.stringValue
        #expect(partial.map { words.hasPrefix($0) && $0.count < words.count } == true)
        let unknown = try await client.request("tools/call", ["name": "nope", "arguments": ["input": "x"]])
        #expect(unknown["error", "code"] == -32602)
        let noInput = try await client.request("tools/call", ["name": "echo", "arguments": [:]])
        #expect(noInput["error", "data", "field"] == "params.arguments.input")
    }

    @Test func batchesAreRefused() async throws {
        let client = try await TestClient.mcp()
        let exchange = try await client.exchange(
            #"[{"jsonrpc":"2.0","id":"a","method":"ping"},{"jsonrpc":"2.0","id":"b","method":"ping"}]"#,
            replies: 1
        )
        #expect(exchange.replies.count == 1)
        #expect(exchange.replies.first?["error", "code"] == -32600)
        #expect(exchange.replies.first?["id"] == .null)
    }

    @Test func loggingFollowsTheLevelAsked() async throws {
        let client = try await TestClient.mcp()
        let bad = try await client.request("logging/setLevel", ["level": "loud"])
        #expect(bad["error", "code"] == -32602)
        _ = try await client.request("tools/call", ["name": "echo", "arguments": ["input": "x"]])
        #expect(client.notifications("notifications/message").isEmpty)
        _ = try await client.request("logging/setLevel", ["level": "info"])
        _ = try await client.request("tools/call", ["name": "echo", "arguments": ["input": "x"]])
        let logged = client.notifications("notifications/message")
        #expect(logged.count == 2 && logged.allSatisfy { $0["params", "level"] == "info" })
    }

    @Test func versions() async throws {
        let old = TestClient.routed()
        let reply = try await old.request("initialize", ["protocolVersion": "2024-11-05", "capabilities": [:]])
        #expect(reply["result", "protocolVersion"] == "2025-11-25")

        let modern = TestClient.routed()
        let meta: JSONValue = ["io.modelcontextprotocol/protocolVersion": "2026-07-28"]
        let discovered = try await modern.request("server/discover", ["_meta": meta])
        #expect(discovered["result", "supportedVersions"] == ["2026-07-28"])
        #expect(discovered["result", "resultType"] == "complete")
        let listed = try await modern.request("tools/list", ["_meta": meta])
        #expect(listed["result", "ttlMs"] == 0 && listed["result", "cacheScope"] == "private")
        let wrong = try await modern.request(
            "server/discover",
            ["_meta": ["io.modelcontextprotocol/protocolVersion": "2030-01-01"]]
        )
        #expect(wrong["error", "code"] == -32022)
        #expect(wrong["error", "data", "supported"] == ["2026-07-28"])
    }
}
