import Foundation
import JSONCore
import JSONRPC
import Testing

// How messages travel on the byte stream: Content-Length headers or one JSON text per line, replies in the
// client's framing, input in arbitrary pieces, oversized and unparseable messages skipped with an error.

// MARK: - Helpers

extension TestClient {
    /// Writes `bytes` one byte per `write(2)`.
    fileprivate func sendBytewise(_ bytes: [UInt8]) {
        for byte in bytes {
            sendRaw([byte])
            usleep(20)  // lets the server's reader see the stream in tiny pieces
        }
    }

    /// Writes `bytes` in pieces of `size`.
    fileprivate func sendChunked(_ bytes: [UInt8], size: Int) {
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + size, bytes.count)
            sendRaw(Array(bytes[offset..<end]))
            usleep(50)
            offset = end
        }
    }
}

private func framedBytes(_ text: String, _ framing: Framing) -> [UInt8] {
    var bytes: [UInt8] = []
    framing.appendFrame(body: Array(text.utf8), to: &bytes)
    return bytes
}

/// Splits Content-Length output into bodies, insisting on exactly `Content-Length: N\r\n\r\n` before each.
/// `nil` when anything else is found.
private func framingSplitContentLength(_ bytes: [UInt8]) -> [[UInt8]]? {
    let prefix = Array("Content-Length: ".utf8)
    var bodies: [[UInt8]] = []
    var i = 0
    while i < bytes.count {
        guard bytes.count - i > prefix.count, Array(bytes[i..<i + prefix.count]) == prefix else { return nil }
        i += prefix.count
        var length = 0
        var digits = 0
        while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
            length = length * 10 + Int(bytes[i] - UInt8(ascii: "0"))
            digits += 1
            i += 1
        }
        guard digits > 0, bytes.count - i >= 4, Array(bytes[i..<i + 4]) == Array("\r\n\r\n".utf8) else { return nil }
        i += 4
        guard bytes.count - i >= length else { return nil }
        bodies.append(Array(bytes[i..<i + length]))
        i += length
    }
    return bodies
}

/// Plays a whole conversation and checks every reply; returns once the server has exited.
private func playFramingConversation(_ client: TestClient) async throws {
    let framing = client.framing
    let initialize = try await client.request(
        "initialize",
        [
            "protocolVersion": "agentwire/1", "clientInfo": ["name": "framing-test", "version": "1"],
            "capabilities": [:],
        ]
    )
    #expect(initialize["result", "protocolVersion"] == .string("agentwire/1"))
    #expect(initialize["result", "capabilities", "framing"] == .string(framing.rawValue))
    client.notify("initialized")

    let list = try await client.request("agents/list")
    let names = list["result", "agents"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
    #expect(names.contains("echo"))

    let input = "hello framed world, with \"quotes\", a\ttab, a\nnewline and ü 🙂"
    let run = try await client.request("agent/run", ["agent": "echo", "input": .string(input)])
    #expect(run["result", "output"] == .string(input))
    #expect(run["result", "stopReason"] == .string("end_turn"))
    let runId = try #require(run["result", "runId"])
    let tokens = client.notifications("run/token").filter { $0["params", "runId"] == runId }
    #expect(tokens.compactMap { $0["params", "text"]?.stringValue }.joined() == input)

    let before = client.messages.count
    client.send(
        json:
            #"[{"jsonrpc":"2.0","id":"b1","method":"ping"},{"jsonrpc":"2.0","id":"b2","method":"agent/run","params":["echo","in a batch"]}]"#
    )
    let batch = try #require(try await client.waitFor(from: before) { $0.arrayValue != nil }.message.arrayValue)
    #expect(batch.count == 2)
    #expect(batch.first { $0["id"] == "b2" }?["result", "output"] == .string("in a batch"))

    #expect(try await client.request("ping")["result"] == .object([:]))
    let shutdown = try await client.request("shutdown")
    #expect(shutdown["result"] == .null)
    client.notify("exit")
    #expect(try await client.waitForExit() == 0)
}

// MARK: - Tests

@Suite struct FramingTests {
    @Test func contentLengthConversation() async throws {
        let client = TestClient(framing: .contentLength)
        try await playFramingConversation(client)

        let raw = client.rawBytes
        #expect(raw.starts(with: Array("Content-Length: ".utf8)))
        let bodies = try #require(
            framingSplitContentLength(raw),
            "the output is not a sequence of Content-Length frames"
        )
        #expect(bodies.count == client.messages.count)
        for body in bodies {
            #expect((try? JSONValue.parse(body)) != nil, "unparseable body: \(String(decoding: body, as: UTF8.self))")
        }
    }

    @Test func newlineDelimitedConversation() async throws {
        let client = TestClient(framing: .newlineDelimited)
        try await playFramingConversation(client)

        let raw = client.rawBytes
        #expect(raw.first == UInt8(ascii: "{"))
        #expect(raw.last == UInt8(ascii: "\n"))
        let lines = raw.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == client.messages.count)
        for line in lines {
            let text = String(decoding: line, as: UTF8.self)
            #expect(!line.isEmpty, "empty line in the output")
            #expect(!line.contains(UInt8(ascii: "\r")), "line with a carriage return: \(text)")
            #expect((try? JSONValue.parse(Array(line))) != nil, "line is not one JSON text: \(text)")
        }
    }

    @Test(arguments: [
        "Content-Length: {n}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n",
        "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: {n}\r\n\r\n",
        "content-length: {n}\r\n\r\n",
        "Content-Length:{n}\r\n\r\n",
        "Content-Length: {n}\r\nX-Anything: whatever: with colons\r\n\r\n",
        "Content-Length: {n}\n\n",
    ])
    func otherHeadersAreIgnored(header: String) async throws {
        let client = TestClient(framing: .contentLength)
        let body = #"{"jsonrpc":"2.0","id":"h","method":"agent/run","params":["echo","headers are fine"]}"#
        client.sendRaw(header.replacingOccurrences(of: "{n}", with: String(body.utf8.count)) + body)
        let reply = try await client.response(to: .string("h")).message
        #expect(reply["result", "output"] == .string("headers are fine"))
        // And the stream continues with ordinary frames.
        #expect(try await client.request("ping")["result"] == .object([:]))
        #expect(client.rawBytes.starts(with: Array("Content-Length: ".utf8)))
    }

    @Test(arguments: Framing.allCases)
    func inputOneByteAtATime(framing: Framing) async throws {
        let client = TestClient(framing: framing)
        var bytes: [UInt8] = []
        bytes += framedBytes(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, framing)
        bytes += framedBytes(
            #"{"jsonrpc":"2.0","id":"two","method":"agent/run","params":{"agent":"echo","input":"one byte at a time"}}"#,
            framing
        )
        bytes += framedBytes(#"{"jsonrpc":"2.0","method":"initialized"}"#, framing)
        bytes += framedBytes(
            #"[{"jsonrpc":"2.0","id":3,"method":"ping"},{"jsonrpc":"2.0","id":4,"method":"foo.get"}]"#,
            framing
        )
        bytes += framedBytes(#"{"jsonrpc":"2.0","id":5,"method":"agents/list"}"#, framing)
        client.sendBytewise(bytes)

        #expect(try await client.response(to: .integer(1)).message["result"] == .object([:]))
        let run = try await client.response(to: .string("two")).message
        #expect(run["result", "output"] == .string("one byte at a time"))
        #expect(run["result", "stopReason"] == .string("end_turn"))
        let batch = try await client.waitFor { $0.arrayValue != nil }.message.arrayValue ?? []
        #expect(batch.count == 2)
        #expect(batch.first { $0["id"] == 3 }?["result"] == .object([:]))
        #expect(batch.first { $0["id"] == 4 }?["error", "code"] == -32601)
        let list = try await client.response(to: .integer(5)).message
        #expect(list["result", "agents"]?.arrayValue?.isEmpty == false)
        #expect(
            !client.messages.contains { $0.stringValue != nil },
            "framing problems: \(client.messages.filter { $0.stringValue != nil })"
        )
        if framing == .contentLength {
            #expect(client.rawBytes.starts(with: Array("Content-Length: ".utf8)))
        }
    }

    @Test(arguments: Framing.allCases)
    func oversizedMessageIsSkippedWithAnError(framing: Framing) async throws {
        let client = TestClient(framing: framing, maxMessageBytes: 2048)
        #expect(try await client.request("ping")["result"] == .object([:]))

        let big =
            #"{"jsonrpc":"2.0","id":"big","method":"agent/run","params":{"agent":"echo","input":""#
            + String(repeating: "x", count: 5000) + #""}}"#
        let start = client.messages.count
        client.send(json: big)
        let between = try await client.messagesBeforeSentinel(since: start)
        #expect(between.count == 1, "received: \(between.map(\.jsonString))")
        let reply = between.first
        expectErrorReply(reply, code: -32002, id: .null)
        #expect(reply?["error", "data", "limit"] == 2048)
        #expect(reply?["error", "data", "size"] == .int(big.utf8.count))
        #expect(!client.messages.contains { $0["id"] == "big" }, "the oversized request must not be run")

        // The next request is answered normally.
        let run = try await client.request("agent/run", ["agent": "echo", "input": "still here"])
        #expect(run["result", "output"] == .string("still here"))
    }

    @Test(arguments: Framing.allCases)
    func oversizedMessageArrivingInPiecesIsSkipped(framing: Framing) async throws {
        let client = TestClient(framing: framing, maxMessageBytes: 2048)
        // Padding that looks like messages: whole frames for headers, whole JSON texts for lines.
        let ping = #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#
        let trap = framing == .contentLength ? "\r\n\r\nContent-Length: \(ping.utf8.count)\r\n\r\n\(ping)" : ping
        let big =
            #"{"jsonrpc":"2.0","id":"big","method":"ping","params":{"pad":""#
            + String(repeating: trap, count: 60) + #""}}"#
        #expect(big.utf8.count > 2048)
        var bytes = framedBytes(big, framing)
        bytes += framedBytes(#"{"jsonrpc":"2.0","id":"after","method":"ping"}"#, framing)
        client.sendChunked(bytes, size: 100)

        let after = try await client.response(to: .string("after")).message
        #expect(after["result"] == .object([:]))
        let replies = client.messages
        #expect(replies.count == 2, "received: \(replies.map(\.jsonString))")
        expectErrorReply(replies.first, code: -32002, id: .null)
        #expect(!replies.contains { $0["id"] == "big" })
        // The padding, which looks like JSON, was never read as messages.
        #expect(!replies.contains { $0["id"] == 1 })
    }

    @Test(arguments: Framing.allCases)
    func messageJustUnderTheLimitIsServed(framing: Framing) async throws {
        let client = TestClient(framing: framing, maxMessageBytes: 2048)
        let prefix = #"{"jsonrpc":"2.0","id":"fits","method":"agent/run","params":{"agent":"echo","input":""#
        let suffix = #""}}"#
        let input = String(repeating: "y", count: 2048 - prefix.utf8.count - suffix.utf8.count)
        client.send(json: prefix + input + suffix)
        let reply = try await client.response(to: .string("fits")).message
        #expect(reply["result", "output"] == .string(input))
    }

    @Test(arguments: Framing.allCases)
    func oversizedThenRequestInTheSameWrite(framing: Framing) async throws {
        let client = TestClient(framing: framing, maxMessageBytes: 2048)
        let big =
            #"{"jsonrpc":"2.0","id":"big","method":"ping","params":[""# + String(repeating: "z", count: 4000) + #""]}"#
        client.sendRaw(
            framedBytes(big, framing) + framedBytes(#"{"jsonrpc":"2.0","id":"next","method":"ping"}"#, framing)
        )
        #expect(try await client.response(to: .string("next")).message["result"] == .object([:]))
        let messages = client.messages
        #expect(messages.count == 2, "received: \(messages.map(\.jsonString))")
        expectErrorReply(messages.first, code: -32002, id: .null)
    }

    @Test(arguments: Framing.allCases)
    func nonJSONGetsParseErrorAndTheConnectionKeepsWorking(framing: Framing) async throws {
        let client = TestClient(framing: framing)
        // As the very first message, and again later.
        for (index, garbage) in ["this is not json", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"", "<html>"]
            .enumerated()
        {
            let start = client.messages.count
            client.send(json: garbage)
            let between = try await client.messagesBeforeSentinel(since: start)
            #expect(between.count == 1, "after \(garbage): \(between.map(\.jsonString))")
            expectErrorReply(between.first, code: -32700, id: .null)
            let run = try await client.request("agent/run", ["agent": "echo", "input": .string("alive \(index)")])
            #expect(run["result", "output"] == .string("alive \(index)"))
        }
    }

    @Test(arguments: Framing.allCases)
    func invalidUTF8GetsParseError(framing: Framing) async throws {
        let client = TestClient(framing: framing)
        #expect(try await client.request("ping")["result"] == .object([:]))
        let start = client.messages.count
        let body: [UInt8] =
            Array(#"{"jsonrpc":"2.0","id":1,"method":"agent/run","params":["echo",""#.utf8) + [0xFF, 0xFE]
            + Array(#""]}"#.utf8)
        var bytes: [UInt8] = []
        framing.appendFrame(body: body, to: &bytes)
        client.sendRaw(bytes)
        let between = try await client.messagesBeforeSentinel(since: start)
        #expect(between.count == 1, "received: \(between.map(\.jsonString))")
        expectErrorReply(between.first, code: -32700, id: .null)
    }

    @Test func newlineDelimitedAcceptsCRLFAndBlankLines() async throws {
        let client = TestClient(framing: .newlineDelimited)
        client.sendRaw(
            "\r\n{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\r\n\n  \n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\r\n"
        )
        #expect(try await client.response(to: .integer(1)).message["result"] == .object([:]))
        #expect(try await client.response(to: .integer(2)).message["result"] == .object([:]))
        let between = try await client.messagesBeforeSentinel(since: client.messages.count)
        #expect(between.isEmpty)
        #expect(client.messages.count == 3, "blank lines get no reply: \(client.messages.map(\.jsonString))")
    }

    @Test func badContentLengthHeaderIsAnErrorAndTheStreamRecovers() async throws {
        let client = TestClient(framing: .contentLength)
        client.sendRaw("Content-Length: abc\r\n\r\n")
        let first = try await client.waitFor { _ in true }.message
        expectErrorReply(first, code: -32700, id: .null)
        #expect(try await client.request("ping")["result"] == .object([:]))
        #expect(client.messages.count == 2)
    }

    @Test(arguments: Framing.allCases)
    func manyMessagesInOneWrite(framing: Framing) async throws {
        let client = TestClient(framing: framing)
        var bytes: [UInt8] = []
        for i in 1...50 { bytes += framedBytes(#"{"jsonrpc":"2.0","id":\#(i),"method":"ping"}"#, framing) }
        client.sendRaw(bytes)
        for i in 1...50 { #expect(try await client.response(to: .integer(Int64(i))).message["result"] == .object([:])) }
        #expect(client.messages.count == 50)
        // Quick requests are answered in the order they were sent.
        #expect(client.messages.compactMap { $0["id"]?.integerValue } == Array(1...50))
    }
}
