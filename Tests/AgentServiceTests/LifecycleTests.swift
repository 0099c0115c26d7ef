import Foundation
import JSONCore
import JSONRPC
import Testing

// initialize / initialized (optional), shutdown, exit and end of input, as a client sees them.

// MARK: - Tests

@Suite struct LifecycleTests {
    @Test(arguments: Framing.allCases)
    func initializeDescribesTheServer(framing: Framing) async throws {
        let client = TestClient(framing: framing)
        let reply = try await client.request(
            "initialize",
            [
                "protocolVersion": "agentwire/1", "clientInfo": ["name": "lifecycle-test", "version": "0.0.1"],
                "capabilities": [:],
            ]
        )
        #expect(reply["jsonrpc"] == .string("2.0"))
        #expect(reply["error"] == nil, "reply: \(reply.jsonString)")
        let result = try #require(reply["result"])
        #expect(result["protocolVersion"] == .string("agentwire/1"))
        #expect(result["serverInfo", "name"] == .string("agentwire"))
        let version = try #require(result["serverInfo", "version"]?.stringValue)
        #expect(!version.isEmpty)
        let capabilities = try #require(result["capabilities"]?.objectValue, "capabilities must be an object")
        #expect(capabilities["agents"] == true)
        #expect(capabilities["framing"] == .string(framing.rawValue))
        let cancel = capabilities["runs"]?["cancel"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(Set(cancel) == ["$/cancelRequest", "$/cancel_request", "notifications/cancelled", "run/cancel"])
    }

    @Test func initializeWithoutParams() async throws {
        let client = TestClient()
        let reply = try await client.request("initialize")
        #expect(reply["result", "protocolVersion"] == .string("agentwire/1"))
    }

    @Test(arguments: Framing.allCases)
    func runWorksWithoutInitialize(framing: Framing) async throws {
        let client = TestClient(framing: framing)
        let reply = try await client.request("agent/run", ["agent": "echo", "input": "no handshake needed"])
        #expect(reply["error"] == nil, "reply: \(reply.jsonString)")
        #expect(reply["result", "output"] == .string("no handshake needed"))
        #expect(reply["result", "stopReason"] == .string("end_turn"))
    }

    @Test func initializedNotificationGetsNoReply() async throws {
        let client = TestClient()
        _ = try await client.request("initialize", ["protocolVersion": "agentwire/1"])
        var start = client.messages.count
        client.notify("initialized")
        let between = try await client.messagesBeforeSentinel(since: start)
        #expect(between.isEmpty, "unexpected: \(between.map(\.jsonString))")
        start = client.messages.count
        client.notify("initialized", [:])
        let alsoWithParams = try await client.messagesBeforeSentinel(since: start)
        #expect(alsoWithParams.isEmpty, "unexpected: \(alsoWithParams.map(\.jsonString))")
    }

    @Test(arguments: Framing.allCases)
    func shutdownRefusesNewRunsThenExitIsStatusZero(framing: Framing) async throws {
        let client = TestClient(framing: framing)
        _ = try await client.request("initialize")
        client.notify("initialized")

        let shutdown = try await client.request("shutdown")
        #expect(shutdown["jsonrpc"] == .string("2.0"))
        #expect(shutdown["error"] == nil, "reply: \(shutdown.jsonString)")
        #expect(shutdown.objectValue?.keys.contains("result") == true, "the result member must be present")
        #expect(shutdown["result"] == .null)

        let runId = client.sendRequest("agent/run", ["agent": "echo", "input": "too late"])
        let refused = try await client.response(to: runId).message
        #expect(refused["id"] == runId.json)
        #expect(refused["error", "code"] == -32003, "reply: \(refused.jsonString)")
        #expect(refused["result"] == nil)
        #expect(client.notifications("run/started").isEmpty, "no run may start after shutdown")

        client.notify("exit")
        #expect(try await client.waitForExit() == 0)
        // exit is a notification: nothing answers it.
        #expect(client.messages.count == 3, "received: \(client.messages.map(\.jsonString))")
    }

    @Test func exitWithoutShutdownIsStatusOne() async throws {
        let client = TestClient()
        #expect(try await client.request("ping")["result"] == .object([:]))
        client.notify("exit")
        #expect(try await client.waitForExit() == 1)
        #expect(client.messages.count == 1)
    }

    @Test func exitAsFirstMessageIsStatusOne() async throws {
        let client = TestClient(framing: .contentLength)
        client.notify("exit")
        #expect(try await client.waitForExit() == 1)
        #expect(client.messages.isEmpty)
    }

    @Test(arguments: Framing.allCases)
    func endOfInputLetsARunInFlightFinish(framing: Framing) async throws {
        let client = TestClient(framing: framing)
        let input = "the run finishes after end of input"
        let id = client.sendRequest("agent/run", ["agent": "echo-slow", "input": .string(input)])
        let started = try await client.waitFor { $0["method"] == .string("run/started") }.message
        client.closeInput()

        let reply = try await client.response(to: id, timeout: .seconds(30)).message
        #expect(reply["error"] == nil, "reply: \(reply.jsonString)")
        #expect(reply["result", "output"] == .string(input))
        #expect(reply["result", "stopReason"] == .string("end_turn"))
        #expect(reply["result", "runId"] == started["params", "runId"])
        let tokens = client.notifications("run/token").compactMap { $0["params", "text"]?.stringValue }
        #expect(tokens.joined() == input)

        try await client.waitForOutputClosed()
        #expect(try await client.waitForExit() == 0)
        // The response was the last thing written.
        #expect(client.messages.last == reply)
    }

    @Test func endOfInputWithNothingInFlightIsStatusZero() async throws {
        let client = TestClient()
        #expect(try await client.request("ping")["result"] == .object([:]))
        client.closeInput()
        #expect(try await client.waitForExit() == 0)
    }

    @Test func endOfInputRightAfterRequestsStillAnswersThem() async throws {
        let client = TestClient()
        client.sendRequest("ping", id: .string("p"))
        client.sendRequest("agent/run", ["echo", "answered before exit"], id: .string("r"))
        client.closeInput()
        try await client.waitForOutputClosed()
        #expect(try await client.response(to: .string("p")).message["result"] == .object([:]))
        #expect(
            try await client.response(to: .string("r")).message["result", "output"] == .string("answered before exit")
        )
        #expect(try await client.waitForExit() == 0)
    }

    @Test(arguments: [
        "$/setTrace", "notifications/initialized", "workspace/didChangeConfiguration", "foo", "run/started",
    ])
    func unknownNotificationsAreIgnored(method: String) async throws {
        let client = TestClient()
        let start = client.messages.count
        client.notify(method)
        client.notify(method, ["value": 1])
        client.notify(method, [1, 2, 3])
        let between = try await client.messagesBeforeSentinel(since: start)
        #expect(between.isEmpty, "unexpected: \(between.map(\.jsonString))")
        // And the server still works.
        let run = try await client.request("agent/run", ["agent": "echo", "input": "ok"])
        #expect(run["result", "output"] == .string("ok"))
    }

    @Test func malformedKnownNotificationsGetNoReply() async throws {
        let client = TestClient()
        let start = client.messages.count
        client.notify("$/cancelRequest")
        client.notify("$/cancelRequest", ["id": [1]])
        client.notify("$/cancel_request", ["wrong": 1])
        client.notify("notifications/cancelled", [:])
        let between = try await client.messagesBeforeSentinel(since: start)
        #expect(between.isEmpty, "unexpected: \(between.map(\.jsonString))")
    }
}
