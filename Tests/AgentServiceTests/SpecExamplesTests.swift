import Foundation
import JSONCore
import JSONRPC
import Testing

// The examples of the JSON-RPC 2.0 specification, section 7, played against the server in both framings.
// Where the spec calls `subtract`, `sum` or `get_data` we call `agent/run` (the echo agent) or `ping`;
// where it calls a method that does not exist (`foobar`, `foo.get`) we keep a method that does not exist.
// A missing reply is proven with a sentinel ping (see `TestClient.exchange`).

// MARK: - Helpers

/// The spec writes its examples over several lines; newline-delimited framing needs them on one.
private func specWire(_ text: String, _ framing: Framing) -> String {
    framing == .newlineDelimited ? text.replacingOccurrences(of: "\n", with: " ") : text
}

/// An error reply (see `expectErrorReply`) that also has a non-empty `message`, as in the spec's examples.
private func specExpectError(
    _ reply: JSONValue?,
    code: Int64,
    id: JSONValue,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    expectErrorReply(reply, code: code, id: id, sourceLocation: sourceLocation)
    #expect(reply?["error", "message"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
}

private func specExpectRunResult(
    _ reply: JSONValue?,
    id: JSONValue,
    output: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(reply?["jsonrpc"] == .string("2.0"), sourceLocation: sourceLocation)
    #expect(reply?["id"] == id, "reply: \(reply?.jsonString ?? "none")", sourceLocation: sourceLocation)
    #expect(reply?["error"] == nil, "reply: \(reply?.jsonString ?? "none")", sourceLocation: sourceLocation)
    #expect(reply?["result", "output"] == .string(output), sourceLocation: sourceLocation)
    #expect(reply?["result", "stopReason"] == .string("end_turn"), sourceLocation: sourceLocation)
    #expect(reply?["result", "runId"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
}

private func specExpectPing(_ reply: JSONValue?, id: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(reply?["jsonrpc"] == .string("2.0"), sourceLocation: sourceLocation)
    #expect(reply?["id"] == id, sourceLocation: sourceLocation)
    #expect(reply?["result"] == .object([:]), "reply: \(reply?.jsonString ?? "none")", sourceLocation: sourceLocation)
    #expect(reply?["error"] == nil, sourceLocation: sourceLocation)
}

/// The single member of a batch reply carrying `id`.
private func specMember(
    _ batch: [JSONValue],
    id: JSONValue,
    sourceLocation: SourceLocation = #_sourceLocation
) -> JSONValue? {
    let matching = batch.filter { $0["id"] == id }
    #expect(
        matching.count == 1,
        "batch members with id \(id.jsonString): \(matching.count)",
        sourceLocation: sourceLocation
    )
    return matching.first
}

// MARK: - Tests

@Suite struct SpecExamplesTests {
    // MARK: rpc call with positional parameters

    @Test(arguments: Framing.allCases)
    func callWithPositionalParams(framing: Framing) async throws {
        let client = TestClient(framing: framing)
        let first = try await client.exchange(
            #"{"jsonrpc": "2.0", "method": "agent/run", "params": ["echo", "42 23"], "id": 1}"#,
            replies: 1
        )
        #expect(first.replies.count == 1)
        specExpectRunResult(first.replies.first, id: 1, output: "42 23")

        let second = try await client.exchange(
            #"{"jsonrpc": "2.0", "method": "agent/run", "params": ["echo", "23 42"], "id": 2}"#,
            replies: 1
        )
        #expect(second.replies.count == 1)
        specExpectRunResult(second.replies.first, id: 2, output: "23 42")
    }

    // MARK: rpc call with named parameters

    @Test(arguments: Framing.allCases)
    func callWithNamedParamsInEitherOrder(framing: Framing) async throws {
        let client = TestClient(framing: framing)
        let first = try await client.exchange(
            #"{"jsonrpc": "2.0", "method": "agent/run", "params": {"agent": "echo", "input": "42 23"}, "id": 3}"#,
            replies: 1
        )
        #expect(first.replies.count == 1)
        specExpectRunResult(first.replies.first, id: 3, output: "42 23")

        let second = try await client.exchange(
            #"{"jsonrpc": "2.0", "method": "agent/run", "params": {"input": "42 23", "agent": "echo"}, "id": 4}"#,
            replies: 1
        )
        #expect(second.replies.count == 1)
        specExpectRunResult(second.replies.first, id: 4, output: "42 23")
    }

    @Test(arguments: Framing.allCases)
    func runStreamsItsNotificationsBeforeTheResult(framing: Framing) async throws {
        let client = TestClient(framing: framing)
        let exchange = try await client.exchange(
            #"{"jsonrpc": "2.0", "method": "agent/run", "params": ["echo", "42 23"], "id": 1}"#,
            replies: 1
        )
        let result = try #require(exchange.replies.first)
        let runId = try #require(result["result", "runId"]?.stringValue)
        #expect(exchange.notifications.first?["method"] == .string("run/started"))
        #expect(exchange.notifications.allSatisfy { $0["params", "runId"] == .string(runId) })
        let text = exchange.notifications.filter { $0["method"] == .string("run/token") }
            .compactMap { $0["params", "text"]?.stringValue }.joined()
        #expect(text == "42 23")
        // Every notification is on the wire before the result.
        #expect(exchange.all.last == result)
    }

    // MARK: a Notification

    @Test(arguments: Framing.allCases)
    func notificationsGetNoReply(framing: Framing) async throws {
        let client = TestClient(framing: framing)
        let update = try await client.exchange(#"{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}"#)
        #expect(update.all.isEmpty, "unexpected: \(update.all.map(\.jsonString))")
        let foobar = try await client.exchange(#"{"jsonrpc": "2.0", "method": "foobar"}"#)
        #expect(foobar.all.isEmpty, "unexpected: \(foobar.all.map(\.jsonString))")
    }

    // MARK: rpc call of non-existent method

    @Test(arguments: Framing.allCases)
    func nonExistentMethod(framing: Framing) async throws {
        let client = TestClient(framing: framing)
        let exchange = try await client.exchange(#"{"jsonrpc": "2.0", "method": "foobar", "id": "1"}"#, replies: 1)
        #expect(exchange.all.count == 1)
        specExpectError(exchange.replies.first, code: -32601, id: .string("1"))
        #expect(exchange.replies.first?["error", "message"] == .string("Method not found"))
    }

    // MARK: rpc call with invalid JSON

    @Test(arguments: Framing.allCases)
    func invalidJSON(framing: Framing) async throws {
        let client = TestClient(framing: framing)
        let exchange = try await client.exchange(
            #"{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]"#,
            replies: 1
        )
        #expect(exchange.all.count == 1)
        specExpectError(exchange.replies.first, code: -32700, id: .null)
        #expect(exchange.replies.first?["error", "message"] == .string("Parse error"))
    }

    // MARK: rpc call with invalid Request object

    @Test(arguments: Framing.allCases)
    func invalidRequestObject(framing: Framing) async throws {
        let client = TestClient(framing: framing)
        let exchange = try await client.exchange(#"{"jsonrpc": "2.0", "method": 1, "params": "bar"}"#, replies: 1)
        #expect(exchange.all.count == 1)
        specExpectError(exchange.replies.first, code: -32600, id: .null)
        #expect(exchange.replies.first?["error", "message"] == .string("Invalid Request"))
    }

    // MARK: rpc call Batch, invalid JSON

    @Test(arguments: Framing.allCases)
    func batchWithInvalidJSON(framing: Framing) async throws {
        let client = TestClient(framing: framing)
        let text = """
            [
              {"jsonrpc": "2.0", "method": "agent/run", "params": ["echo", "42 23"], "id": "1"},
              {"jsonrpc": "2.0", "method"
            ]
            """
        let exchange = try await client.exchange(specWire(text, framing), replies: 1)
        // One error object, not an array, and nothing was run.
        #expect(exchange.all.count == 1, "received: \(exchange.all.map(\.jsonString))")
        #expect(exchange.replies.first?.arrayValue == nil)
        specExpectError(exchange.replies.first, code: -32700, id: .null)
    }

    // MARK: rpc call with an empty Array

    @Test(arguments: Framing.allCases)
    func emptyBatch(framing: Framing) async throws {
        let client = TestClient(framing: framing)
        let exchange = try await client.exchange("[]", replies: 1)
        #expect(exchange.all.count == 1)
        #expect(exchange.replies.first?.arrayValue == nil, "an empty batch is answered with one object, not an array")
        specExpectError(exchange.replies.first, code: -32600, id: .null)
    }

    // MARK: rpc call with an invalid Batch (but not empty)

    @Test(arguments: Framing.allCases)
    func batchOfOneInvalidMember(framing: Framing) async throws {
        let client = TestClient(framing: framing)
        let exchange = try await client.exchange("[1]", replies: 1)
        #expect(exchange.all.count == 1)
        let batch = try #require(exchange.replies.first?.arrayValue, "expected an array")
        #expect(batch.count == 1)
        specExpectError(batch.first, code: -32600, id: .null)
    }

    // MARK: rpc call with invalid Batch

    @Test(arguments: Framing.allCases)
    func batchOfThreeInvalidMembers(framing: Framing) async throws {
        let client = TestClient(framing: framing)
        let exchange = try await client.exchange("[1,2,3]", replies: 1)
        #expect(exchange.all.count == 1)
        let batch = try #require(exchange.replies.first?.arrayValue, "expected an array")
        #expect(batch.count == 3)
        for reply in batch { specExpectError(reply, code: -32600, id: .null) }
    }

    // MARK: rpc call Batch

    @Test(arguments: Framing.allCases)
    func mixedBatch(framing: Framing) async throws {
        let client = TestClient(framing: framing)
        let text = """
            [
              {"jsonrpc": "2.0", "method": "agent/run", "params": ["echo", "1 2 4"], "id": "1"},
              {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
              {"jsonrpc": "2.0", "method": "agent/run", "params": {"agent": "echo", "input": "42 23"}, "id": "2"},
              {"foo": "boo"},
              {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
              {"jsonrpc": "2.0", "method": "ping", "id": "9"}
            ]
            """
        let exchange = try await client.exchange(specWire(text, framing), replies: 1)
        #expect(exchange.replies.count == 1, "replies: \(exchange.replies.map(\.jsonString))")
        let batch = try #require(exchange.replies.first?.arrayValue, "expected an array")
        #expect(batch.count == 5, "batch: \(batch.map(\.jsonString))")
        let ids = Set(batch.compactMap { $0["id"]?.jsonString })
        #expect(ids == [#""1""#, #""2""#, "null", #""5""#, #""9""#])

        specExpectRunResult(specMember(batch, id: "1"), id: "1", output: "1 2 4")
        specExpectRunResult(specMember(batch, id: "2"), id: "2", output: "42 23")
        specExpectError(specMember(batch, id: .null), code: -32600, id: .null)
        specExpectError(specMember(batch, id: "5"), code: -32601, id: "5")
        specExpectPing(specMember(batch, id: "9"), id: "9")

        // The runs' notifications came on their own, all before the array.
        let arrayIndex = try #require(exchange.all.firstIndex { $0.arrayValue != nil })
        #expect(exchange.all[..<arrayIndex].allSatisfy { $0.isNotification })
        #expect(exchange.notifications.filter { $0["method"] == .string("run/started") }.count == 2)
    }

    // MARK: rpc call Batch (all notifications)

    @Test(arguments: Framing.allCases)
    func batchOfNotificationsGetsNothing(framing: Framing) async throws {
        let client = TestClient(framing: framing)
        let text = """
            [
              {"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},
              {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}
            ]
            """
        let exchange = try await client.exchange(specWire(text, framing))
        #expect(exchange.all.isEmpty, "unexpected: \(exchange.all.map(\.jsonString))")
    }

    // MARK: Beyond the spec's examples

    @Test(arguments: Framing.allCases)
    func batchWithRunsStreamsNotificationsAndRepliesOnceAllFinished(framing: Framing) async throws {
        let client = TestClient(framing: framing)
        let text = #"""
            [{"jsonrpc":"2.0","id":"slow","method":"agent/run","params":{"agent":"echo-slow","input":"one two three"}},
             {"jsonrpc":"2.0","id":"fast","method":"agent/run","params":["echo","alpha beta"]},
             {"jsonrpc":"2.0","id":"p","method":"ping"}]
            """#
        let exchange = try await client.exchange(specWire(text, framing), replies: 1)
        #expect(exchange.replies.count == 1, "replies: \(exchange.replies.map(\.jsonString))")
        let batch = try #require(exchange.replies.first?.arrayValue, "expected an array")
        #expect(batch.count == 3)
        let slow = specMember(batch, id: "slow")
        let fast = specMember(batch, id: "fast")
        specExpectRunResult(slow, id: "slow", output: "one two three")
        specExpectRunResult(fast, id: "fast", output: "alpha beta")
        specExpectPing(specMember(batch, id: "p"), id: "p")
        #expect(batch.allSatisfy { $0["method"] == nil })

        // Each run's tokens arrived as individual notifications, before the array.
        let arrayIndex = try #require(exchange.all.firstIndex { $0.arrayValue != nil })
        #expect(arrayIndex == exchange.all.count - 1)
        for (reply, input) in [(slow, "one two three"), (fast, "alpha beta")] {
            let runId = try #require(reply?["result", "runId"])
            let tokens = exchange.notifications.filter {
                $0["method"] == .string("run/token") && $0["params", "runId"] == runId
            }
            #expect(tokens.compactMap { $0["params", "text"]?.stringValue }.joined() == input)
            #expect(
                exchange.notifications.contains {
                    $0["method"] == .string("run/started") && $0["params", "runId"] == runId
                }
            )
        }
    }

    @Test(arguments: Framing.allCases)
    func nullParamsAreAccepted(framing: Framing) async throws {
        let client = TestClient(framing: framing)
        let ping = try await client.exchange(#"{"jsonrpc":"2.0","id":1,"method":"ping","params":null}"#, replies: 1)
        #expect(ping.all.count == 1)
        specExpectPing(ping.replies.first, id: 1)

        let list = try await client.exchange(
            #"{"jsonrpc":"2.0","id":2,"method":"agents/list","params":null}"#,
            replies: 1
        )
        #expect(list.all.count == 1)
        let reply = try #require(list.replies.first)
        #expect(reply["id"] == 2)
        #expect(reply["error"] == nil, "reply: \(reply.jsonString)")
        let names = reply["result", "agents"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(names.contains("echo"))
        #expect(names.contains("echo-slow"))

        // On agent/run, null params are absent params: the agent is missing.
        let run = try await client.exchange(#"{"jsonrpc":"2.0","id":3,"method":"agent/run","params":null}"#, replies: 1)
        specExpectError(run.replies.first, code: -32602, id: 3)
        #expect(run.replies.first?["error", "data", "field"] == .string("params.agent"))
    }

    @Test(
        arguments: Framing.allCases,
        [
            (text: #"{"jsonrpc":"1.0","id":7,"method":"ping"}"#, id: JSONValue.integer(7)),
            (#"{"id":8,"method":"ping"}"#, .integer(8)),
            (#"{"jsonrpc":2.0,"id":"nine","method":"ping"}"#, .string("nine")),
            (#"{"jsonrpc":"2.0","id":"ten","method":10}"#, .string("ten")),
            (#"{"jsonrpc":"2.0","id":11,"method":"ping","params":"bar"}"#, .integer(11)),
            (#"{"jsonrpc":"2.0","id":12}"#, .integer(12)),
            (#"{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"#, .null),
            (#"{"jsonrpc":"2.0","id":true,"method":"ping"}"#, .null),
        ]
    )
    func invalidRequestsCarryTheIdWhenReadable(framing: Framing, example: (text: String, id: JSONValue)) async throws {
        let (text, id) = example
        let client = TestClient(framing: framing)
        let exchange = try await client.exchange(text, replies: 1)
        #expect(exchange.all.count == 1)
        specExpectError(exchange.replies.first, code: -32600, id: id)

        // The same inside a batch.
        let batched = try await client.exchange("[\(text)]", replies: 1)
        let batch = try #require(batched.replies.first?.arrayValue, "expected an array")
        #expect(batch.count == 1)
        specExpectError(batch.first, code: -32600, id: id)
    }

    @Test(
        arguments: Framing.allCases,
        [
            #"{"agent":"echo"}"#,
            #"{"agent":"echo","input":42}"#,
            #"{"agent":"echo","input":null}"#,
            #"{"agent":"echo","input":["a"]}"#,
            #"["echo"]"#,
            #"["echo",42]"#,
        ]
    )
    func invalidInputOnRunIsInvalidParams(framing: Framing, params: String) async throws {
        let client = TestClient(framing: framing)
        let exchange = try await client.exchange(
            #"{"jsonrpc":"2.0","id":"bad","method":"agent/run","params":\#(params)}"#,
            replies: 1
        )
        #expect(exchange.all.count == 1, "a rejected run sends no notifications: \(exchange.all.map(\.jsonString))")
        let reply = exchange.replies.first
        specExpectError(reply, code: -32602, id: "bad")
        #expect(reply?["error", "data", "field"] == .string("params.input"), "reply: \(reply?.jsonString ?? "none")")
    }

    @Test(arguments: Framing.allCases)
    func unknownAgentNamesTheAvailableOnes(framing: Framing) async throws {
        let client = TestClient(framing: framing)
        let exchange = try await client.exchange(
            #"{"jsonrpc":"2.0","id":5,"method":"agent/run","params":{"agent":"nobody","input":"hi"}}"#,
            replies: 1
        )
        #expect(exchange.all.count == 1, "received: \(exchange.all.map(\.jsonString))")
        let reply = exchange.replies.first
        specExpectError(reply, code: -32001, id: 5)
        let message = reply?["error", "message"]?.stringValue ?? ""
        #expect(message.contains("echo"), "message: \(message)")
        #expect(message.contains("nobody"), "message: \(message)")
        let available = reply?["error", "data", "available"]?.arrayValue ?? []
        #expect(available.contains("echo"))
        #expect(available.contains("echo-slow"))
        #expect(reply?["error", "data", "agent"] == .string("nobody"))
    }

    @Test(
        arguments: Framing.allCases,
        [
            #""abc""#, #""""#, #""1""#, #""ü 🙂 \"quoted\"""#, "1.5", "-0.25", "0", "-3", "9007199254740993",
        ]
    )
    func idsAreEchoedUnchanged(framing: Framing, idText: String) async throws {
        let client = TestClient(framing: framing)
        let id = try JSONValue.parse(idText, allowScalars: true)

        let ping = try await client.exchange(#"{"jsonrpc":"2.0","id":\#(idText),"method":"ping"}"#, replies: 1)
        #expect(ping.all.count == 1)
        specExpectPing(ping.replies.first, id: id)

        let unknown = try await client.exchange(#"{"jsonrpc":"2.0","id":\#(idText),"method":"foo.get"}"#, replies: 1)
        specExpectError(unknown.replies.first, code: -32601, id: id)

        let run = try await client.exchange(
            #"{"jsonrpc":"2.0","id":\#(idText),"method":"agent/run","params":["echo","same id"]}"#,
            replies: 1
        )
        #expect(run.replies.count == 1)
        specExpectRunResult(run.replies.first, id: id, output: "same id")
    }
}
