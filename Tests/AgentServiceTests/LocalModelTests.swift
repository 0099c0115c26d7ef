import Foundation
import JSONCore
import JSONRPC
import Testing

/// The real model server `scripts/local-model.sh` starts (llama.cpp's server with SmolLM2-135M-Instruct);
/// `scripts/test.sh` exports its base URL. The model's answers are often wrong: these tests check the
/// protocol, not the content.
enum LocalModel {
    static let url = ProcessInfo.processInfo.environment["AGENTWIRE_TEST_LLM_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let available = url != nil
    static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// A config file with two model agents, a tool-calling agent, and an agent whose server is down.
    static func configFile() throws -> String {
        let url = Self.url ?? "http://127.0.0.1:9/v1"
        let provider =
            #""type": "openai", "baseURL": "\#(url)", "model": "smollm2", "temperature": 0, "timeoutSeconds": 300"#
        let text = """
            {
              "pricing": {"smollm2": {"inputPerMillion": 0.1, "outputPerMillion": 0.4}},
              "tools": {
                "weather": {
                  "description": "Get the current weather of a city",
                  "command": ["/bin/echo", "{{city}}: 18 C, sunny"],
                  "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
                  "permission": "allow"
                }
              },
              "agents": {
                "smol": {"provider": {\(provider), "maxTokens": 24}},
                "smol-long": {"provider": {\(provider), "maxTokens": 400}},
                "smol-tools": {"provider": {\(provider), "maxTokens": 32, "tools": ["weather"], "toolChoice": "weather"}},
                "offline": {"provider": {"type": "openai", "baseURL": "http://127.0.0.1:9/v1", "model": "x", "retries": 1}}
              }
            }
            """
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("agentwire-llm-\(UUID()).json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func client() throws -> TestClient {
        try TestClient(binaryArguments: ["serve", "--config", configFile()])
    }
}

@Suite(.serialized, .enabled(if: LocalModel.available, "set AGENTWIRE_TEST_LLM_URL (scripts/local-model.sh start)"))
struct LocalModelTests {
    static let wait = Duration.seconds(300)

    @Test func aRealModelStreamsTokensStepsAndUsage() async throws {
        let client = try LocalModel.client()
        let reply = try await client.request(
            "agent/run",
            ["agent": "smol", "input": "Say hello in five words."],
            timeout: Self.wait
        )
        let result = try #require(reply["result"], "\(reply.jsonString)")
        let runId = try #require(result["runId"]?.stringValue)
        let tokens = client.runTokenTexts(runId)
        #expect(tokens.count >= 3)
        #expect(result["output"]?.stringValue?.isEmpty == false)
        #expect(result["output"]?.stringValue == tokens.joined())
        let steps = client.runNotificationParams(runId, method: "run/step")
        #expect(steps.compactMap { $0["status"]?.stringValue } == ["started", "completed"])
        #expect(steps.first?["name"] == "openai model call")
        // llama.cpp's server reports usage (stream_options.include_usage): the figures are the server's, and
        // the configured price makes a cost of them.
        let usage = try #require(result["usage"])
        #expect(usage["source"] == "server", "\(usage.jsonString)")
        #expect((usage["inputTokens"]?.integerValue ?? 0) > 0)
        #expect(usage["outputTokens"]?.integerValue == Int64(tokens.count))
        #expect((usage["costUsd"]?.doubleValue ?? 0) > 0)
        #expect(steps.last?["usage"] == usage)
        #expect(client.runSeqs(runId).isStrictlyIncreasing)
    }

    @Test func aForcedToolCallMakesTheRoundTrip() async throws {
        let client = try LocalModel.client()
        let reply = try await client.request(
            "agent/run",
            ["agent": "smol-tools", "input": "What is the weather in Paris?"],
            timeout: Self.wait
        )
        let runId = try #require(reply["result", "runId"]?.stringValue, "\(reply.jsonString)")
        let tools = client.runNotificationParams(runId, method: "run/tool")
        #expect(tools.compactMap { $0["status"]?.stringValue } == ["started", "completed"], "\(tools)")
        #expect(tools.first?["tool"] == "weather")
        #expect(tools.first?["input", "city"]?.stringValue != nil)
        #expect(tools.last?["output"]?.stringValue?.hasSuffix(": 18 C, sunny\n") == true)
        // After the tool's result the model answered in text.
        #expect(!client.runTokenTexts(runId).isEmpty)
    }

    @Test func cancellingMidStreamStopsTheRunAndTheServerServesTheNext() async throws {
        let client = try LocalModel.client()
        let id = client.sendRequest(
            "agent/run",
            ["agent": "smol-long", "input": "Write a long story about a lighthouse keeper."]
        )
        let (_, runId) = try await client.waitForRunStarted()
        try await client.waitForTokens(runId: runId, count: 3)
        client.notify("$/cancelRequest", ["id": id.json])
        let reply = try await client.response(to: id, timeout: Self.wait).message
        #expect(reply["error", "code"] == -32800, "\(reply.jsonString)")
        #expect(client.runTokenTexts(runId).count < 400)
        let next = try await client.request("agent/run", ["agent": "smol", "input": "Hi"], timeout: Self.wait)
        #expect(next["result", "stopReason"] == "end_turn", "\(next.jsonString)")
    }

    @Test func aParallelWorkflowOfTwoModelAgents() async throws {
        let client = try LocalModel.client()
        let reply = try await client.request(
            "coordinator/parallel",
            ["tasks": [["agent": "smol"], ["agent": "smol"]], "input": "Name a colour.", "aggregate": "list"],
            timeout: Self.wait
        )
        let result = try #require(reply["result"], "\(reply.jsonString)")
        let branches = result["branches"]?.arrayValue ?? []
        #expect(branches.count == 2)
        #expect(branches.allSatisfy { $0["status"] == "completed" && $0["output"]?.stringValue?.isEmpty == false })
        let runId = try #require(result["runId"]?.stringValue)
        let stepIds = Set(
            client.runNotificationParams(runId, method: "run/token").compactMap { $0["stepId"]?.stringValue }
        )
        #expect(stepIds == ["1.1", "1.2"])
    }

    @Test func aStoppedServerIsAClearProviderFailureAndTheServiceKeepsServing() async throws {
        let client = try LocalModel.client()
        let reply = try await client.request("agent/run", ["agent": "offline", "input": "Hi"], timeout: Self.wait)
        #expect(reply["error", "code"] == -32010, "\(reply.jsonString)")
        #expect(reply["error", "data", "retryable"] == true)
        #expect(
            reply["error", "message"]?.stringValue?.contains("Cannot reach http://127.0.0.1:9/v1/chat/completions")
                == true
        )
        #expect(
            reply["error", "data", "suggestions"]?.arrayValue?.contains(
                "Is the server running at http://127.0.0.1:9/v1?"
            ) == true
        )
        let next = try await client.request("agent/run", ["agent": "smol", "input": "Hi"], timeout: Self.wait)
        #expect(next["result", "stopReason"] == "end_turn", "\(next.jsonString)")
    }
}

@Suite struct LocalModelInCITests {
    @Test(.enabled(if: LocalModel.inCI)) func ciRunsTheEndToEndTestsAgainstARealModel() {
        #expect(LocalModel.available, "scripts/test.sh must export AGENTWIRE_TEST_LLM_URL in CI")
    }
}
