import AgentCore
import AgentService
import FakeModelServer
import Foundation
import JSONCore
import JSONRPC
import Testing

// Usage, cost, budgets, structured output and the model per run, over the wire, against a scripted
// OpenAI-compatible server that reports usage (1000 input tokens, 120 of them cached, and the words it
// streamed as output tokens) and answers with the JSON it is given.

/// A model server that streams `reply` word by word, then a usage chunk.
private func usageServer(reply: String = #"{"name": "Ada", "age": 36}"#) async throws -> FakeModelServer {
    try await FakeModelServer.start { _ in
        let words = EchoProvider.tokens(of: reply).map(String.init)
        let usage = StreamScript.event(
            #"{"object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":1000,"completion_tokens":\#(words.count),"total_tokens":\#(1000 + words.count),"prompt_tokens_details":{"cached_tokens":120}}}"#
        )
        let body =
            StreamScript.eventStreamHead + StreamScript.roleChunk + words.map(StreamScript.content).joined()
            + StreamScript.finish() + usage + StreamScript.done
        return [.send(Array(body.utf8))]
    }
}

/// `priced` (model `small`: $2.50 / $10 / $1.25 cached per million), `picky` (may choose `small` or
/// `large`), `capped` (a budget of 2 output tokens), over the built-in agents.
private func pricedConfig(_ server: FakeModelServer) throws -> AgentConfig {
    try .mergedOverBuiltIns(
        """
        {
          "pricing": {
            "small": {"inputPerMillion": 2.5, "outputPerMillion": 10, "cachedInputPerMillion": 1.25},
            "large": {"inputPerMillion": 25, "outputPerMillion": 100}
          },
          "agents": {
            "priced": {"provider": {"type": "openai", "baseURL": "\(server.baseURL)", "model": "small", "retries": 0}},
            "picky": {"provider": {"type": "openai", "baseURL": "\(server.baseURL)", "model": "small",
                                   "models": ["small", "large"], "retries": 0},
                      "limits": {"contextWindow": 4096}},
            "capped": {"provider": {"type": "echo"}, "limits": {"budget": {"maxOutputTokens": 2}}}
          },
          "workflows": {
            "twice": {"strategy": "sequential", "steps": [{"agent": "priced"}, {"agent": "priced"}]}
          }
        }
        """,
        file: "usage-tests.json"
    )
}

/// 880 uncached × $2.50 + 120 cached × $1.25 + 4 output × $10, per million: $0.00239.
private let callCost = 0.00239

@Suite struct UsageAndBudgetServiceTests {
    @Test func aPricedRunReportsUsageAndCostEverywhere() async throws {
        let server = try await usageServer()
        defer { Task { await server.stop() } }
        let store = MemoryRunStore()
        let client = TestClient(config: try pricedConfig(server), store: store)
        let (result, runId) = try await client.requestRun("workflow/run", ["workflow": "twice", "input": "hi"])
        let usage = try #require(result["usage"])
        #expect(usage["inputTokens"] == 2000)
        #expect(usage["cachedInputTokens"] == 240)
        #expect(usage["outputTokens"] == 8)
        #expect(usage["modelCalls"] == 2)
        #expect(usage["model"] == "small")
        #expect(usage["source"] == "server")
        #expect(usage["costUsd"]?.doubleValue == 0.00478)
        #expect(result["branches"]?.arrayValue?.map { $0["usage", "costUsd"]?.doubleValue } == [callCost, callCost])
        let steps = client.runNotificationParams(runId, method: "run/step").filter { $0["status"] == "completed" }
        #expect(steps.compactMap { $0["usage", "costUsd"]?.doubleValue } == [callCost, callCost])

        // The store keeps it, and the statistics sum it per agent.
        let info = try await client.storeResult("run/get", ["runId": .string(runId)])
        #expect(info["usage"] == usage)
        let stats = try await client.storeResult("stats/get", ["agent": "priced"])
        #expect(stats["agents", "priced", "sinceStart", "costUsd"]?.doubleValue == 0.00478)
    }

    @Test func aSessionKeepsEachTurnsUsageAndSumsIt() async throws {
        let server = try await usageServer()
        defer { Task { await server.stop() } }
        let directory = try StoreTestDirectory()
        let first = TestClient(config: try pricedConfig(server), store: try RunStoreKind.sqlite.open(in: directory))
        let opened = try await first.request("session/new", ["agent": "priced"])
        let sessionId = try #require(opened["result", "sessionId"]?.stringValue, "\(opened.jsonString)")
        var reported: [JSONValue] = []
        for input in ["hi", "again"] {
            let reply = try await first.request(
                "session/prompt",
                ["sessionId": .string(sessionId), "input": .string(input)]
            )
            reported.append(try #require(reply["result", "usage"], "\(reply.jsonString)"))
        }
        #expect(reported.map { $0["costUsd"]?.doubleValue } == [callCost, callCost])

        /// `session/get` answers each turn's usage as its prompt reported it, and their sum.
        func expectUsage(of sessionId: String, from client: TestClient) async throws {
            let session = try await client.storeResult("session/get", ["sessionId": .string(sessionId)])
            #expect(session["turns"]?.arrayValue?.map { $0["usage"] } == reported)
            #expect(session["usage", "costUsd"]?.doubleValue == 0.00478)
            #expect(session["usage", "outputTokens"] == 8)
            #expect(session["usage", "inputTokens"] == 2000)
            #expect(session["usage", "modelCalls"] == 2)
        }
        try await expectUsage(of: sessionId, from: first)

        // The next process, on the same SQLite file: the same, and a fork keeps the turns' usage.
        let second = TestClient(config: try pricedConfig(server), store: try RunStoreKind.sqlite.open(in: directory))
        try await expectUsage(of: sessionId, from: second)
        let forked = try await second.storeResult("session/fork", ["sessionId": .string(sessionId)])
        try await expectUsage(of: try #require(forked["sessionId"]?.stringValue), from: second)
    }

    @Test func aSessionWithATurnKeptWithoutUsageHasNoTotalCost() async throws {
        let server = try await usageServer()
        defer { Task { await server.stop() } }
        let store = MemoryRunStore()
        try store.insertSession(
            StoredSession(id: "ses_earlier", agent: "priced", turns: [Turn(input: "before", output: "usage")])
        )
        let client = TestClient(config: try pricedConfig(server), store: store)
        let reply = try await client.request("session/prompt", ["sessionId": "ses_earlier", "input": "now"])
        #expect(reply["result", "usage", "costUsd"]?.doubleValue == callCost, "\(reply.jsonString)")
        let session = try await client.storeResult("session/get", ["sessionId": "ses_earlier"])
        #expect(session["turns"]?.arrayValue?.map { $0["usage"] != nil } == [false, true])
        // What the earlier turn cost is unknown: the total has its tokens but no cost.
        #expect(session["usage", "outputTokens"] == 4)
        #expect(session["usage", "costUsd"] == nil)
    }

    @Test func anEchoRunHasCountedUsageAndNoCost() async throws {
        let client = TestClient()
        let (result, _) = try await client.requestRun("agent/run", ["agent": "echo", "input": "a b c"])
        #expect(result["usage"] == ["outputTokens": 3, "modelCalls": 1, "source": "counted"])
    }

    @Test func aBudgetOverTheWireIsMinus32011WithWhatWasSpent() async throws {
        let server = try await usageServer()
        defer { Task { await server.stop() } }
        let store = MemoryRunStore()
        let client = TestClient(config: try pricedConfig(server), store: store)
        let reply = try await client.request(
            "workflow/run",
            ["workflow": "twice", "input": "hi", "budget": ["maxCostUsd": 0.001]]
        )
        let error = try #require(reply["error"], "\(reply.jsonString)")
        #expect(error["code"] == -32011)
        #expect(error["message"]?.stringValue?.hasPrefix("Budget exceeded") == true)
        let data = try #require(error["data"])
        #expect(data["limit"] == "maxCostUsd")
        #expect(data["spentUsd"]?.doubleValue == callCost)
        #expect(data["modelCalls"] == 1)
        #expect(data["retryable"] == false)
        #expect(data["partialOutput"] == #"{"name": "Ada", "age": 36}"#)
        #expect(server.requests.count == 1, "the second step never called the model")
        // Recorded as failed with that code.
        let runId = try #require(data["runId"]?.stringValue)
        let info = try await client.storeResult("run/get", ["runId": .string(runId)])
        #expect(info["status"] == "failed")
        #expect(info["error", "code"] == -32011)

        // An agent's own budget applies to its runs.
        let capped = try await client.request("agent/run", ["agent": "capped", "input": "one two three"])
        #expect(capped["error", "code"] == -32011)
        #expect(capped["error", "data", "partialOutput"] == "one two ")
    }

    @Test func aBadBudgetOrSchemaIsMinus32602NamingTheMember() async throws {
        let client = TestClient()
        for (params, field): (JSONValue, String) in [
            (["budget": ["maxCostUsd": -1]], "params.budget.maxCostUsd"),
            (["budget": ["maxCostUsd": "1"]], "params.budget.maxCostUsd"),
            (["budget": ["maxOutputTokens": 0]], "params.budget.maxOutputTokens"),
            (["budget": ["maxTokens": 5]], "params.budget.maxTokens"),
            (["outputSchema": ["type": "objekt"]], "params.outputSchema.type"),
            (["outputSchema": ["$ref": "https://example.com/s.json"]], "params.outputSchema.$ref"),
            (["model": "gpt-x"], "params.model"),
        ] {
            var object = params.objectValue ?? [:]
            object["agent"] = "echo"
            object["input"] = "hi"
            let reply = try await client.request("agent/run", .object(object))
            #expect(reply["error", "code"] == -32602, "\(params.jsonString): \(reply.jsonString)")
            #expect(reply["error", "data", "field"] == .string(field), "\(params.jsonString): \(reply.jsonString)")
        }
        // Nothing ran.
        #expect(client.notifications("run/started").isEmpty)
    }

    @Test func structuredOutputIsAskedForParsedAndChecked() async throws {
        let server = try await usageServer()
        defer { Task { await server.stop() } }
        let client = TestClient(config: try pricedConfig(server))
        let schema: JSONValue = [
            "type": "object", "required": ["name", "age"],
            "properties": ["name": ["type": "string"], "age": ["type": "integer", "minimum": 0]],
        ]
        let (result, _) = try await client.requestRun(
            "agent/run",
            ["agent": "priced", "input": "who?", "outputSchema": schema]
        )
        #expect(result["structuredOutput"] == ["name": "Ada", "age": 36])
        let body = try JSONValue.parse(try #require(server.requests.first).bodyText)
        #expect(body["response_format", "type"] == "json_schema")
        #expect(body["response_format", "json_schema", "schema"] == schema)
        #expect(body["response_format", "json_schema", "strict"] == true)

        let strict: JSONValue = ["type": "object", "required": ["email"]]
        let reply = try await client.request(
            "agent/run",
            ["agent": "priced", "input": "who?", "outputSchema": strict]
        )
        #expect(reply["error", "code"] == -32012, "\(reply.jsonString)")
        #expect(reply["error", "data", "errors"] == [["path": "$.email", "message": "required"]])
        #expect(reply["error", "data", "partialOutput"] == #"{"name": "Ada", "age": 36}"#)
    }

    @Test func theModelOfARunIsSentAndPriced() async throws {
        let server = try await usageServer()
        defer { Task { await server.stop() } }
        let client = TestClient(config: try pricedConfig(server))
        let (result, _) = try await client.requestRun(
            "agent/run",
            ["agent": "picky", "input": "hi", "model": "large"]
        )
        let body = try JSONValue.parse(try #require(server.requests.first).bodyText)
        #expect(body["model"] == "large")
        #expect(result["usage", "model"] == "large")
        // 1000 × $25 + 4 × $100, per million (no cached price: cached input costs as other input).
        #expect(result["usage", "costUsd"]?.doubleValue == 0.0254)
        let refused = try await client.request("agent/run", ["agent": "picky", "input": "hi", "model": "huge"])
        #expect(refused["error", "code"] == -32602)
        #expect(refused["error", "data", "field"] == "params.model")
        #expect(refused["error", "data", "available"] == ["small", "large"])
    }

    @Test func acpOffersTheModelAndReportsCostAndMaxTokens() async throws {
        let server = try await usageServer()
        defer { Task { await server.stop() } }
        let client = try await TestClient.acp(config: try pricedConfig(server))
        let sessionId = try await client.acpNewSession()
        try await client.acpSetTarget(sessionId, "picky")
        let set = try await client.request(
            "session/set_config_option",
            ["sessionId": .string(sessionId), "configId": "model", "value": "large"]
        )
        let model = set["result", "configOptions"]?.arrayValue?.first { $0["id"] == "model" }
        #expect(model?["category"] == "model", "\(set.jsonString)")
        #expect(model?["currentValue"] == "large")
        let start = client.messages.count
        let reply = try await client.response(to: client.acpPrompt(sessionId, "hi"))
        #expect(reply.message["result", "stopReason"] == "end_turn", "\(reply.message.jsonString)")
        #expect(reply.message["result", "_meta", "agentwire", "usage", "costUsd"]?.doubleValue == 0.0254)
        let body = try JSONValue.parse(try #require(server.requests.first).bodyText)
        #expect(body["model"] == "large")
        // The turn's usage_update carries the session's cost so far.
        let usage = client.acpUpdates(sessionId, from: start, to: reply.index).kind("usage_update")
        #expect(usage.first?["size"] == 4096)
        #expect(usage.first?["cost"] == ["amount": 0.0254, "currency": "USD"], "\(usage)")
        let second = client.messages.count
        let again = try await client.response(to: client.acpPrompt(sessionId, "again"))
        let summed = client.acpUpdates(sessionId, from: second, to: again.index).kind("usage_update")
        #expect(summed.first?["cost", "amount"]?.doubleValue == 0.0508)

        // maxOutputTokens ends the turn with max_tokens.
        try await client.acpSetTarget(sessionId, "capped")
        let cut = try await client.response(to: client.acpPrompt(sessionId, "one two three"))
        #expect(cut.message["result", "stopReason"] == "max_tokens", "\(cut.message.jsonString)")
        // The model option belongs to agents that list models.
        let options = try await client.request(
            "session/set_config_option",
            ["sessionId": .string(sessionId), "configId": "model", "value": "large"]
        )
        #expect(options["error", "code"] == -32602)
    }
}
