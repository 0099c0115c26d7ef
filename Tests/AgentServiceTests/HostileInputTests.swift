import AgentCore
import Foundation
import JSONCore
import JSONRPC
import Spawn
import Synchronization
import Testing

/// Whatever arrives on stdin has a defined outcome (an error reply, or a documented skip), and the next
/// message is served.
@Suite struct HostileInputTests {
    /// What a hostile line gets: an error with this code and id, or a reply with this result.
    enum Outcome: Sendable, CustomStringConvertible {
        case error(code: Int64, id: JSONValue)
        case result(id: JSONValue)

        var description: String {
            switch self {
            case .error(let code, let id): "error \(code) for id \(id.jsonString)"
            case .result(let id): "a result for id \(id.jsonString)"
            }
        }
    }

    static func nested(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }

    static let cases: [(name: String, line: [UInt8], outcome: Outcome)] = [
        (
            "invalid UTF-8 in a string",
            Array(#"{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":""#.utf8) + [0xC3, 0x28, 0xFF]
                + Array(#""}}"#.utf8), .error(code: -32700, id: .null)
        ),
        (
            "a lone surrogate escape",
            Array(#"{"jsonrpc":"2.0","id":1,"method":"agent/run","params":{"agent":"echo","input":"\ud800"}}"#.utf8),
            .error(code: -32700, id: .null)
        ),
        (
            "\\u0000 in a string (an id here): valid JSON (RFC 8259 §7), served and echoed",
            Array(#"{"jsonrpc":"2.0","id":"a\u0000b","method":"ping"}"#.utf8), .result(id: "a\u{0}b")
        ),
        (
            "\\u0000 in a key", Array(#"{"jsonrpc":"2.0","id":1,"method":"ping","params":{"k\u0000":1}}"#.utf8),
            .error(code: -32700, id: .null)
        ),
        (
            "nesting past jansson's 2048 limit",
            Array(#"{"jsonrpc":"2.0","id":1,"method":"ping","params":\#(nested(2100))}"#.utf8),
            .error(code: -32700, id: .null)
        ),
        (
            "nesting just under the limit (in `_meta`, which every method takes)",
            Array(#"{"jsonrpc":"2.0","id":"deep","method":"ping","params":{"_meta":{"x":\#(nested(2044))}}}"#.utf8),
            .result(id: "deep")
        ),
        (
            "an integer beyond Int64",
            Array(#"{"jsonrpc":"2.0","id":1,"method":"ping","params":{"n":99999999999999999999}}"#.utf8),
            .error(code: -32700, id: .null)
        ),
        (
            "an id beyond Int64", Array(#"{"jsonrpc":"2.0","id":18446744073709551616,"method":"ping"}"#.utf8),
            .error(code: -32700, id: .null)
        ),
        (
            "1e400", Array(#"{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":1e400}}"#.utf8),
            .error(code: -32700, id: .null)
        ),
        (
            "duplicate keys: the last one counts",
            Array(#"{"jsonrpc":"2.0","id":"first","id":"last","method":"ping"}"#.utf8), .result(id: "last")
        ),
        (
            "binary garbage", (0..<512).map { UInt8(truncatingIfNeeded: $0 &* 167 &+ 13) }.filter { $0 != 0x0A },
            .error(code: -32700, id: .null)
        ),
        (
            "a NUL byte outside strings",
            Array(#"{"jsonrpc":"2.0","id":1,"#.utf8) + [0] + Array(#""method":"ping"}"#.utf8),
            .error(code: -32700, id: .null)
        ),
        ("a bare scalar: JSON, but not a request", Array("42".utf8), .error(code: -32600, id: .null)),
    ]

    @Test(arguments: cases.indices)
    func hostileLineHasItsOutcomeAndTheServiceGoesOn(index: Int) async throws {
        let (name, line, outcome) = Self.cases[index]
        let client = TestClient()
        client.sendRaw(line + [0x0A])
        let reply = try await client.waitFor { _ in true }.message
        switch outcome {
        case .error(let code, let id):
            #expect(reply["error", "code"]?.integerValue == code, "\(name): \(reply.jsonString.prefix(300))")
            #expect(reply["id"] == id, "\(name)")
            #expect((reply["error", "message"]?.stringValue ?? "").isEmpty == false, "\(name)")
        case .result(let id):
            #expect(reply["id"] == id, "\(name): \(reply.jsonString.prefix(300))")
            #expect(reply["result"] != nil, "\(name): \(reply.jsonString.prefix(300))")
        }
        #expect(try await client.request("ping")["result"] == .object([:]), "\(name): served after")
        #expect(client.messages.count == 2, "\(name): one reply each")
    }

    @Test func contentLengthThatIsNegativeHugeOrNotANumberIsAnErrorAndTheStreamRecovers() async throws {
        let client = TestClient(framing: .contentLength, maxMessageBytes: 64 * 1024)
        let ping = #"{"jsonrpc":"2.0","id":"after","method":"ping"}"#
        for header in ["Content-Length: -5", "Content-Length: 99999999999999999999999", "Content-Length: twelve"] {
            client.sendRaw("\(header)\r\n\r\n")
            client.sendRaw("Content-Length: \(ping.utf8.count)\r\n\r\n\(ping)")
        }
        _ = try await client.waitFor { _ in client.messages.count >= 6 }
        let replies = client.messages
        #expect(replies.filter { $0["id"] == "after" && $0["result"] == .object([:]) }.count == 3)
        let errors = replies.filter { $0["error"] != nil }
        #expect(errors.count == 3, "\(replies.map(\.jsonString))")
        #expect(
            errors.allSatisfy { $0["id"] == .null && ($0["error", "code"] == -32700 || $0["error", "code"] == -32002) }
        )
    }

    @Test func contentLengthLongerThanTheDataThatFollowsEndsCleanlyAtEndOfInput() async throws {
        let client = try TestClient(binaryArguments: ["--store", "memory"], framing: .contentLength)
        let ping = #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#
        client.sendRaw("Content-Length: \(ping.utf8.count)\r\n\r\n\(ping)")
        client.sendRaw("Content-Length: 500\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":2")
        #expect(try await client.response(to: .integer(1)).message["result"] == .object([:]))
        client.closeInput()
        #expect(try await client.waitForExit(timeout: .seconds(10)) == 0)
        #expect(client.messages.count == 1, "the cut-off message is dropped, not answered")
    }

    @Test func aFramingSwitchMidStreamIsReadInTheFirstFraming() async throws {
        let client = TestClient()
        #expect(try await client.request("ping")["result"] == .object([:]))
        let body = #"{"jsonrpc":"2.0","id":"lsp","method":"ping"}"#
        client.sendRaw("Content-Length: \(body.utf8.count)\r\n\r\n\(body)\n")
        // The header line is not JSON; the body, alone on its line, is an ordinary message.
        let reply = try await client.response(to: .string("lsp")).message
        #expect(reply["result"] == .object([:]))
        let errors = client.messages.filter { $0["error"] != nil }
        #expect(errors.count == 1)
        #expect(errors.first?["error", "code"] == -32700)
        #expect(try await client.request("ping")["result"] == .object([:]))
    }

    /// `\u0000` inside a string reaches the agent and comes back escaped (never as a raw NUL byte, never
    /// cut short), on every face and in both framings.
    @Test(arguments: Framing.allCases)
    func nulInAStringGoesToTheAgentAndBackOnEveryFace(framing: Framing) async throws {
        let input = "a\u{0}b \u{0}"
        func expectEscapedOnTheWire(_ client: TestClient, _ face: String) {
            let raw = client.rawBytes
            #expect(!raw.contains(0), "\(face): a raw NUL byte was written")
            #expect(String(decoding: raw, as: UTF8.self).contains(#"a\u0000b \u0000"#), "\(face)")
        }

        let native = TestClient.routed(framing: framing)
        let run = try await native.request("agent/run", ["agent": "echo", "input": .string(input)])
        #expect(run["result", "output"] == .string(input), "\(run.jsonString)")
        let tokens = native.notifications("run/token").compactMap { $0["params", "text"]?.stringValue }
        #expect(tokens.joined() == input)
        expectEscapedOnTheWire(native, "native")

        let acp = try await TestClient.acp(framing: framing)
        let sessionId = try await acp.acpNewSession()
        let turn = try await acp.response(to: acp.acpPrompt(sessionId, input))
        #expect(turn.message["result", "stopReason"] == "end_turn", "\(turn.message.jsonString)")
        #expect(acp.acpUpdates(sessionId, to: turn.index).kind("agent_message_chunk").chunkText == input)
        expectEscapedOnTheWire(acp, "acp")

        let mcp = TestClient.routed(framing: framing)
        _ = try await mcp.request("initialize", ["protocolVersion": "2025-11-25", "capabilities": [:]])
        let call = try await mcp.request("tools/call", ["name": "echo", "arguments": ["input": .string(input)]])
        #expect(call["result", "content"]?.arrayValue?.first?["text"] == .string(input), "\(call.jsonString)")
        #expect(call["result", "structuredContent", "output"] == .string(input))
        expectEscapedOnTheWire(mcp, "mcp")
    }

    @Test(arguments: Framing.allCases)
    func oversizedMessageIsSkippedInBothFramings(framing: Framing) async throws {
        let client = TestClient(framing: framing, maxMessageBytes: 4096)
        var bytes: [UInt8] = []
        let big =
            #"{"jsonrpc":"2.0","id":1,"method":"agent/run","params":{"agent":"echo","input":"\#(String(repeating: "x", count: 10_000))"}}"#
        framing.appendFrame(body: Array(big.utf8), to: &bytes)
        client.sendRaw(bytes)
        let error = try await client.waitFor { _ in true }.message
        #expect(error["error", "code"] == -32002)
        #expect(error["error", "data", "limit"] == 4096)
        #expect(try await client.request("ping")["result"] == .object([:]))
    }

    /// A client may write thousands of requests before reading any reply: the service keeps reading, so
    /// neither side blocks, and every reply arrives in order.
    @Test func thousandsOfPipelinedRequestsWithoutReadingTheReplies() async throws {
        let process = try SpawnedProcess(
            executable: TestClient.binaryURL.path,
            arguments: ["--store", "memory"],
            environment: TestClient.binaryEnvironment
        )
        defer { process.signal(SIGKILL) }
        let count = 20_000
        var requests: [UInt8] = []
        for i in 1...count {
            requests += Array(#"{"jsonrpc":"2.0","id":\#(i),"method":"ping"}"#.utf8) + [0x0A]
        }
        // Written from a thread of its own: if the service stopped reading, this write would never end.
        let written = Mutex(false)
        SpawnedProcess.feed(requests, to: process.takeInput()) { written.withLock { $0 = true } }
        let deadline = ContinuousClock.now + .seconds(30)
        while !written.withLock({ $0 }) {
            #expect(ContinuousClock.now < deadline, "the service stopped reading its input")
            if ContinuousClock.now >= deadline { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        // Read on a thread of its own too (the test pool's threads must not block).
        let read = Mutex<[UInt8]?>(nil)
        let output = process.takeOutput()
        Thread {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let n = buffer.withUnsafeMutableBytes { Glibc.read(output, $0.baseAddress!, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                bytes += buffer[0..<n]
            }
            close(output)
            read.withLock { $0 = bytes }
        }.start()
        while read.withLock({ $0 == nil }) {
            #expect(ContinuousClock.now < deadline + .seconds(30), "the replies never ended")
            if ContinuousClock.now >= deadline + .seconds(30) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        let replies = read.withLock { $0 ?? [] }
        let lines = replies.split(separator: 0x0A)
        #expect(lines.count == count)
        let ids = lines.compactMap { try? JSONValue.parse(Array($0))["id"]?.integerValue }
        #expect(ids == Array(1...Int64(count)))
    }
}
