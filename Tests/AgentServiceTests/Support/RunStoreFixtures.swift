import AgentCore
import AgentService
import AgentStore
import Foundation
import JSONCore
import JSONRPC
import Testing

// Shared by the run store tests (`RunStoreMethodsTests`, `RunEventsTests`, `RunStoreAcrossProcessesTests`) and
// `StoreProcessTests`: store directories and kinds, seeded randomness, request helpers and checks of stored events.

/// A temporary directory, removed with everything in it when released.
final class StoreTestDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("agentwire-store-tests-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Every file below the directory, as paths relative to it.
    func files() -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: url.path)
        var files: [String] = []
        while let next = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path(next), isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(next)
            }
        }
        return files.sorted()
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

enum RunStoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, memory

    var testDescription: String { rawValue }

    /// A new store: a SQLite file in `directory`, or memory.
    func open(in directory: StoreTestDirectory, file: String = "runs.sqlite") throws -> any RunStore {
        switch self {
        case .sqlite: try SQLiteRunStore(path: directory.path(file))
        case .memory: MemoryRunStore()
        }
    }
}

/// SplitMix64: random test inputs that a seed reproduces.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension TestClient {
    /// Sends a request and requires a result.
    func storeResult(
        _ method: String,
        _ params: JSONValue,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONValue {
        let reply = try await request(method, params)
        return try #require(reply["result"], "\(method): \(reply.jsonString)", sourceLocation: sourceLocation)
    }

    /// Sends a request and requires an error with `code`; returns the error object.
    @discardableResult
    func storeError(
        _ method: String,
        _ params: JSONValue,
        code: Int64,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONValue {
        let reply = try await request(method, params)
        let error = try #require(reply["error"], "\(method): \(reply.jsonString)", sourceLocation: sourceLocation)
        #expect(error["code"] == .integer(code), "\(method): \(reply.jsonString)", sourceLocation: sourceLocation)
        return error
    }

    /// `agent/start` (or `workflow/start` with `workflow:`); returns the run id and where its reply is.
    func startDetached(
        _ params: JSONValue,
        method: String = "agent/start",
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> (runId: String, replyIndex: Int) {
        let reply = try await response(to: sendRequest(method, params))
        let runId = try #require(
            reply.message["result", "runId"]?.stringValue,
            "\(reply.message.jsonString)",
            sourceLocation: sourceLocation
        )
        #expect(reply.message["result"] == ["runId": .string(runId)], sourceLocation: sourceLocation)
        return (runId, reply.index)
    }

    /// Polls `run/status` until `done` accepts the status; returns that reply.
    func awaitRunStatus(
        _ runId: String,
        timeout: Duration = .seconds(60),
        until done: (String) -> Bool = { $0 != "running" }
    ) async throws -> ReceivedMessage {
        let deadline = ContinuousClock.now + timeout
        while true {
            let reply = try await response(to: sendRequest("run/status", ["runId": .string(runId)]))
            if let status = reply.message["result", "status"]?.stringValue, done(status) { return reply }
            if reply.message["result"] == nil { throw TestClientError.closed(waitingFor: reply.message.jsonString) }
            if ContinuousClock.now > deadline { throw TestClientError.timeout(received: messages.count) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// A whole `run/events` listing after `afterSeq`, one page of up to 10000.
    func storedEvents(_ runId: String, afterSeq: Int = 0) async throws -> [JSONValue] {
        let page = try await storeResult(
            "run/events",
            ["runId": .string(runId), "afterSeq": .int(afterSeq), "limit": 10_000]
        )
        #expect(page["hasMore"] == false)
        return page["events"]?.arrayValue ?? []
    }

    /// What the server wrote, one line per message (newline-delimited framing), read once traffic is over.
    var rawLines: [[UInt8]] {
        rawBytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).map(Array.init)
    }
}

extension [JSONValue] {
    /// The `seq` member of each element (events of `run/events`, or notification params).
    var seqs: [Int64] { compactMap { $0["seq"]?.integerValue } }
}

/// `seq`s from `first` through `last` (empty when `first > last`).
func seqRange(_ first: Int64, _ last: Int64) -> [Int64] { first <= last ? Array(first...last) : [] }

/// `seq`s as short text: runs of consecutive ones as `a…b`, e.g. `[1…4, 7, 9…12]`.
func describeSeqs(_ seqs: [Int64]) -> String {
    var parts: [String] = []
    var index = 0
    while index < seqs.count {
        var end = index
        while end + 1 < seqs.count && seqs[end + 1] == seqs[end] + 1 { end += 1 }
        parts.append(end == index ? "\(seqs[index])" : "\(seqs[index])…\(seqs[end])")
        index = end + 1
    }
    return "[" + parts.joined(separator: ", ") + "]"
}

/// The raw `params` bytes of a notification line the server wrote: `{"jsonrpc":"2.0","method":M,"params":P}`.
func rawParams(ofNotificationLine line: [UInt8]) -> [UInt8]? {
    let marker = Array(#","params":"#.utf8)
    guard let start = firstIndex(of: marker, in: line, from: 0), line.last == UInt8(ascii: "}") else { return nil }
    return Array(line[(start + marker.count)..<(line.count - 1)])
}

/// Where `needle` first occurs in `haystack` at or after `from`.
func firstIndex(of needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
    guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
    var i = from
    while i <= haystack.count - needle.count {
        if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
        i += 1
    }
    return nil
}

/// Checks that `events` (from `run/events`) are the run's live notifications with the same `seq`s, member for
/// member, and that the reply at `replyLine` holds each of them byte for byte as the notification was written.
func expectEventsMatchLive(
    _ events: [JSONValue],
    live: [ReceivedMessage],
    liveLines: [[UInt8]],
    replyLine: [UInt8]?,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let liveBySeq = Dictionary(
        live.compactMap { note in note.message["params", "seq"]?.integerValue.map { ($0, note) } },
        uniquingKeysWith: { first, _ in first }
    )
    var searchFrom = 0
    for event in events {
        guard let seq = event["seq"]?.integerValue, let note = liveBySeq[seq] else {
            Issue.record("event \(event.jsonString) was not sent live", sourceLocation: sourceLocation)
            continue
        }
        #expect(event["method"] == note.message["method"], sourceLocation: sourceLocation)
        #expect(event["params"] == note.message["params"], "seq \(seq)", sourceLocation: sourceLocation)
        #expect(event.objectValue?.keys == ["seq", "method", "params"], sourceLocation: sourceLocation)
        guard let replyLine, note.index < liveLines.count,
            let params = rawParams(ofNotificationLine: liveLines[note.index]),
            let method = note.message["method"]?.stringValue
        else { continue }
        let expected = Array(#"{"seq":\#(seq),"method":"\#(method)","params":"#.utf8) + params + [UInt8(ascii: "}")]
        if let found = firstIndex(of: expected, in: replyLine, from: searchFrom) {
            searchFrom = found + expected.count
        } else {
            Issue.record(
                "seq \(seq): the reply does not hold the bytes sent live, in order: \(String(decoding: expected, as: UTF8.self))",
                sourceLocation: sourceLocation
            )
        }
    }
}

/// The built-in agents, `slow` (echo, `delayMs` per token), and `slow-history`.
func storeTestConfig(delayMs: Int = 20) throws -> AgentConfig {
    try .mergedOverBuiltIns(
        """
        {"agents": {
            "slow": {"provider": {"type": "echo", "delayMs": \(delayMs)}},
            "slow-history": {"provider": {"type": "echo", "delayMs": \(delayMs), "history": true}}
        }}
        """,
        file: "store-tests.json"
    )
}
