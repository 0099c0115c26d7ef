import AgentCore
import AgentProviders
import FakeModelServer
import Foundation
import JSONCore
import Synchronization
import Testing

@Suite struct OpenAIProviderStreamingTests {
    @Test func tokensStreamAndUsageIsCountedWhenTheServerSendsNone() async throws {
        let server = try await FakeModelServer.start { _ in
            [.text(StreamScript.eventStreamHead + StreamScript.reply(["Hel", "lo", " there"]))]
        }
        defer { Task { await server.stop() } }
        let (step, recorder, error) = await streamOpenAI(server)
        #expect(error == nil)
        #expect(recorder.tokens == ["Hel", "lo", " there"])
        #expect(step.text == "Hello there")
        #expect(step.usage == Usage(outputTokens: 3, reported: false, model: "test-model"))
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/v1/chat/completions")
        let body = try JSONValue.parse(request.bodyText)
        #expect(body["model"] == "test-model")
        #expect(body["stream"] == true)
        #expect(body["messages"]?.arrayValue?.last?["content"] == "Hi")
    }

    @Test func chunkBoundariesAnywhereAndCommentsGiveTheSameTokens() async throws {
        let body =
            StreamScript.roleChunk + ": ping - 2025-01-01 00:00:00\n\n" + StreamScript.content("Grüße ")
            + StreamScript.content("\"quoted\"\n") + ": another comment\n" + StreamScript.content("end")
            + StreamScript.finish() + StreamScript.usage(prompt: 11, completion: 3) + StreamScript.done
        for step in [7, 50] {
            let cuts = Array(stride(from: step, to: body.utf8.count, by: step))
            let server = try await FakeModelServer.start { _ in
                [.text(StreamScript.eventStreamHead)] + chunked(body, at: cuts)
            }
            let (context, recorder, error) = await streamOpenAI(server)
            await server.stop()
            #expect(error == nil, "chunks of \(step)")
            #expect(recorder.tokens == ["Grüße ", "\"quoted\"\n", "end"], "chunks of \(step)")
            #expect(context.usage == Usage(inputTokens: 11, outputTokens: 3, reported: true, model: "test-model"))
        }
    }

    @Test func aStreamWithoutDoneIsAFailureThatKeepsThePartialOutput() async throws {
        let server = try await FakeModelServer.start { _ in
            [.text(StreamScript.eventStreamHead + StreamScript.roleChunk + StreamScript.content("half"))]
        }
        defer { Task { await server.stop() } }
        let (step, _, error) = await streamOpenAI(server)
        let failure = try #require(error)
        #expect(failure.message.contains("without [DONE]"), "\(failure)")
        #expect(failure.retryable)
        #expect(step.text == "half")
    }

    @Test func anHTTPErrorCarriesTheStatusAndTheServersMessage() async throws {
        let server = try await FakeModelServer.start { _ in
            [.text(StreamScript.response(status: 500, reason: "Internal Server Error", body: #"{"error":"boom"}"#))]
        }
        defer { Task { await server.stop() } }
        let (_, recorder, error) = await streamOpenAI(server)
        let failure = try #require(error)
        #expect(failure.message.contains("HTTP 500"), "\(failure)")
        #expect(failure.message.contains("boom"), "\(failure)")
        #expect(failure.retryable)
        #expect(failure.details["status"] == .int(500))
        #expect(recorder.tokens.isEmpty)
    }

    @Test func aRefusedConnectionSaysWhereTheServerWasExpected() async throws {
        let refusing = try RefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        let port = refusing.port
        let settings = OpenAISettings(baseURL: refusing.baseURL, model: "m", timeoutSeconds: 1, retries: 1)
        let (step, _) = makeStep()
        let error = await #expect(throws: ProviderError.self) {
            try await OpenAIProvider(settings: settings).stream(ProviderRequest(input: "x"), context: step)
        }
        #expect(error?.retryable == true)
        #expect(error?.suggestions.contains("Is the server running at http://127.0.0.1:\(port)/v1?") == true)
        #expect(error?.details["attempts"] == .int(2))
    }

    @Test func aConnectionDroppedBeforeAnyReplyIsRetried() async throws {
        // The first connection closes without answering; the second gets the reply.
        let attempts = Counter()
        let flaky = try await FakeModelServer.start { _ in
            attempts.increment() == 1 ? [] : [.text(StreamScript.eventStreamHead + StreamScript.reply(["ok"]))]
        }
        defer { Task { await flaky.stop() } }
        let (_, recorder, error) = await streamOpenAI(flaky) { $0.retries = 2 }
        #expect(error == nil)
        #expect(recorder.tokens == ["ok"])
        #expect(attempts.value == 2)
    }

    @Test func theAPIKeyComesFromTheNamedVariableAndHeadersAreSent() async throws {
        let server = try await FakeModelServer.start { _ in
            [.text(StreamScript.eventStreamHead + StreamScript.reply(["k"]))]
        }
        defer { Task { await server.stop() } }
        var settings = OpenAISettings(baseURL: server.baseURL, model: "m", apiKeyEnv: "TEST_KEY", retries: 0)
        settings.headers = [.init(name: "X-Team", value: "blue")]
        settings.maxTokens = 12
        settings.temperature = 0
        let (step, _) = makeStep()
        try await OpenAIProvider(settings: settings, environment: ["TEST_KEY": "sk-123"])
            .stream(
                ProviderRequest(input: "q", systemPrompt: "Be brief.", history: [Turn(input: "a", output: "b")]),
                context: step
            )
        let request = try #require(server.requests.first)
        #expect(request.header("Authorization") == "Bearer sk-123")
        #expect(request.header("X-Team") == "blue")
        let body = try JSONValue.parse(request.bodyText)
        #expect(body["max_tokens"] == 12)
        #expect(
            body["messages"]?.arrayValue?.compactMap { $0["role"]?.stringValue } == [
                "system", "user", "assistant", "user",
            ]
        )

        let missing = await #expect(throws: ProviderError.self) {
            try await OpenAIProvider(settings: settings, environment: [:]).stream(
                ProviderRequest(input: "q"),
                context: step
            )
        }
        #expect(missing?.message.contains("TEST_KEY") == true)
    }

    @Test func cancellingStopsTheStreamPromptly() async throws {
        let server = try await FakeModelServer.start { _ in
            [.text(StreamScript.eventStreamHead + StreamScript.roleChunk)]
                + (0..<400).flatMap { index in [.text(StreamScript.content("t\(index) ")), .pause(milliseconds: 25)] }
        }
        defer { Task { await server.stop() } }
        let (step, recorder) = makeStep()
        let settings = OpenAISettings(baseURL: server.baseURL, model: "m", retries: 0)
        let task = Task {
            try await OpenAIProvider(settings: settings).stream(ProviderRequest(input: "x"), context: step)
        }
        while recorder.tokens.count < 3 { try await Task.sleep(for: .milliseconds(10)) }
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(recorder.tokens.count < 400)
    }
}

/// A thread-safe counter for scripts.
final class Counter: Sendable {
    private let count = Mutex(0)
    func increment() -> Int {
        count.withLock {
            $0 += 1; return $0
        }
    }
    var value: Int { count.withLock { $0 } }
}
