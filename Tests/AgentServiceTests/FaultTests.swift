import AgentCore
import AgentStore
import Foundation
import JSONCore
import JSONRPC
import Spawn
import Synchronization
import Testing

// Faults around a running service: SIGTERM, a client that closes stdout, a client that stops reading,
// and a store that fails.

/// The binary on pipes, with the reading of its stdout under the test's control.
private final class RawServer: Sendable {
    let process: SpawnedProcess
    private let output = Mutex<(bytes: [UInt8], ended: Bool, stop: Bool)>(([], false, false))

    init(_ arguments: [String]) throws {
        process = try SpawnedProcess(
            executable: TestClient.binaryURL.path,
            arguments: arguments,
            environment: TestClient.binaryEnvironment,
            stdin: .pipe,
            stdout: .pipe,
            stderr: .null
        )
    }

    deinit { process.signal(SIGTERM) }

    var pid: Int32 { process.pid }

    func send(_ line: String) throws {
        let bytes = Array((line + "\n").utf8)
        let fd = process.input
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
        if written != bytes.count { throw TestClientError.closed(waitingFor: "a write to the service's stdin") }
    }

    /// Starts reading stdout on a thread of its own, until EOF or ``closeOutput()``. The thread reads a
    /// descriptor of its own and is the only one to close it, so it never reads a number another test
    /// has reused.
    func startReading() {
        let fd = process.takeOutput()
        Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while !self.output.withLock({ $0.stop }) {
                var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&descriptor, 1, 50)
                if ready < 0 && errno == EINTR { continue }
                if ready == 0 { continue }
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                self.output.withLock { $0.bytes += buffer[0..<n] }
            }
            close(fd)
            self.output.withLock { $0.ended = true }
        }.start()
    }

    /// Stops reading and closes the read end of stdout: the service's next write fails with EPIPE.
    func closeOutput() async throws {
        output.withLock { $0.stop = true }
        try await waitUntil(timeout: .seconds(10)) { outputEnded }
    }

    /// The last few KiB written (cheap to poll).
    var tail: [UInt8] { output.withLock { Array($0.bytes.suffix(8192)) } }

    var rawLines: [ArraySlice<UInt8>] { output.withLock { $0.bytes }.split(separator: 0x0A) }

    var lines: [JSONValue] {
        output.withLock { $0.bytes }.split(separator: 0x0A).compactMap { try? JSONValue.parse(Array($0)) }
    }

    var outputEnded: Bool { output.withLock { $0.ended } }

    /// Resident memory of the process, in bytes (Linux).
    var residentBytes: Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes * 1024
    }

    func waitUntil(timeout: Duration = .seconds(30), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            if ContinuousClock.now > deadline { throw TestClientError.timeout(received: lines.count) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    func waitForExit(timeout: Duration = .seconds(10)) async throws -> Int32 {
        try await waitUntil(timeout: timeout) { !process.isRunning }
        return process.exitStatus ?? -1
    }
}

private func slowConfig(_ directory: StoreTestDirectory, delayMs: Int) throws -> String {
    let path = directory.path("config.json")
    try Data(#"{"agents": {"slow": {"provider": {"type": "echo", "delayMs": \#(delayMs)}}}}"#.utf8)
        .write(to: URL(fileURLWithPath: path))
    return path
}

private func runRequest(id: Int, agent: String, words: Int) -> String {
    #"{"jsonrpc":"2.0","id":\#(id),"method":"agent/run","params":{"agent":"\#(agent)","input":"\#(String.numberedWords(words))"}}"#
}

@Suite struct FaultTests {
    @Test func sigtermMidRunCancelsAndStoresTheRunAndExitsZeroWithinTwoSeconds() async throws {
        let directory = try StoreTestDirectory()
        let store = directory.path("runs.sqlite")
        let server = try RawServer(["--store", store, "--config", try slowConfig(directory, delayMs: 20)])
        server.startReading()
        try server.send(runRequest(id: 1, agent: "slow", words: 1000))
        try server.send(runRequest(id: 2, agent: "slow", words: 1000))
        try await server.waitUntil { server.lines.filter { $0["method"] == "run/token" }.count >= 10 }

        let signalled = ContinuousClock.now
        kill(server.pid, SIGTERM)
        #expect(try await server.waitForExit() == 0)
        // Timed by the thread that collects the exit, not by this test's polling.
        let took = try #require(server.process.exitedAt) - signalled
        #expect(took < .seconds(2), "exited \(took) after SIGTERM")

        // Both runs were answered as cancelled, and the store has them so, with what they streamed.
        try await server.waitUntil { server.outputEnded }
        let lines = server.lines
        for id in [1, 2] {
            let reply = lines.first { $0["id"] == .int(Int64(id)) }
            #expect(reply?["result", "stopReason"] == "cancelled", "\(reply?.jsonString ?? "no reply")")
        }
        let runs = try SQLiteRunStore(path: store).listRuns(RunQuery())
        #expect(runs.runs.count == 2)
        for run in runs.runs {
            #expect(run.status == .cancelled)
            let streamed = lines.filter { $0["method"] == "run/token" && $0["params", "runId"] == .string(run.id) }
            #expect(run.output == streamed.compactMap { $0["params", "text"]?.stringValue }.joined())
            #expect(run.outputTokens == streamed.count)
        }
    }

    @Test func clientClosingStdoutCancelsAndStoresTheRunAndTheServiceExitsCleanly() async throws {
        let directory = try StoreTestDirectory()
        let store = directory.path("runs.sqlite")
        let server = try RawServer(["--store", store, "--config", try slowConfig(directory, delayMs: 10)])
        server.startReading()
        try server.send(runRequest(id: 1, agent: "slow", words: 2000))
        try await server.waitUntil { server.lines.filter { $0["method"] == "run/token" }.count >= 5 }
        try await server.closeOutput()
        #expect(try await server.waitForExit() == 0)

        let runs = try SQLiteRunStore(path: store).listRuns(RunQuery()).runs
        #expect(runs.count == 1)
        #expect(runs.first?.status == .cancelled)
        #expect((runs.first?.outputTokens ?? 0) >= 5)
        #expect((runs.first?.outputTokens ?? 2000) < 2000)
    }

    /// A client that stops reading pauses the run (backpressure) instead of growing memory; once it
    /// reads again, every event arrives and the run ends normally.
    @Test func aClientThatStopsReadingPausesTheRunWithinTheQueueCapAndLosesNothing() async throws {
        let directory = try StoreTestDirectory()
        let cap = 1 << 20
        let server = try RawServer(["--store", directory.path("runs.sqlite"), "--max-queued-bytes", "\(cap)"])
        try server.send(#"{"jsonrpc":"2.0","id":0,"method":"ping"}"#)
        try await Task.sleep(for: .milliseconds(300))
        let idle = server.residentBytes
        // 400,000 tokens are about 40 MB of notifications: far more than the cap and the pipe hold.
        let words = 400_000
        try server.send(runRequest(id: 1, agent: "echo", words: words))
        // Not reading: the run must stall, not buffer its output.
        try await Task.sleep(for: .milliseconds(1500))
        let stalledAt = server.residentBytes
        try await Task.sleep(for: .milliseconds(500))
        let stillStalled = server.residentBytes
        #expect(server.process.isRunning)
        // Growth while stalled: the request (3.3 MB) and its parsed input, the run's output so far, the
        // queue (at most the cap) — not the 40 MB of notifications. Once stalled it stays put, give or
        // take the store writing the events already produced.
        #expect(stalledAt - idle < 24 << 20, "resident \(idle) → \(stalledAt) bytes while the client was not reading")
        #expect(stillStalled <= stalledAt + (6 << 20), "memory grew from \(stalledAt) to \(stillStalled) while stalled")

        server.startReading()
        // The reply ends the output; its `stopReason` follows the 3.3 MB `output`.
        let replyEnd = Array(#""stopReason":"#.utf8)
        try await server.waitUntil(timeout: .seconds(60)) { server.tail.firstRange(of: replyEnd) != nil }
        let lines = server.rawLines
        let reply = try JSONValue.parse(Array(try #require(lines.last)))
        #expect(reply["result", "stopReason"] == "end_turn")
        // Every token, in order, none dropped: read off the hand-written frames without parsing each.
        let prefix = Array(#"{"jsonrpc":"2.0","method":"run/token","params":{"runId":""#.utf8)
        let seqs = lines.filter { $0.starts(with: prefix) }.compactMap { line -> Int? in
            guard let at = line.firstRange(of: Array(#""seq":"#.utf8)) else { return nil }
            return Int(String(decoding: line[at.upperBound...].prefix { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self))
        }
        #expect(seqs.count == words)
        #expect(seqs.first == 3 && seqs.last == words + 2 && zip(seqs, seqs.dropFirst()).allSatisfy { $1 == $0 + 1 })
    }

    @Test func aFailingStoreIsReportedOnceAndRunsStillStream() async throws {
        let store = FailingStore()
        let logs = LogCapture()
        let client = TestClient(store: store, logHandler: logs)
        for i in 0..<5 {
            let input = String.numberedWords(300, prefix: "r\(i)-")
            let (result, _) = try await client.requestRun("agent/run", ["agent": "echo", "input": .string(input)])
            #expect(result["output"] == .string(input))
            try await Task.sleep(for: .milliseconds(60))  // past a flush, so each run's writes fail
        }
        #expect(store.failedWrites.withLock { $0 } >= 2)
        let reports = logs.messages.filter { $0.contains("run store failed") }
        #expect(reports.count == 1, "\(logs.messages)")
        #expect(try await client.request("ping")["result"] == .object([:]))
    }
}

/// A store whose writes fail as a full disk's do; reads find nothing.
private final class FailingStore: RunStore {
    let failedWrites = Mutex(0)
    private let inner = MemoryRunStore()

    private func fail() throws(StoreError) -> Never {
        failedWrites.withLock { $0 += 1 }
        throw StoreError("Run store: cannot write: database or disk is full (SQLite code 13)")
    }

    func insertRun(_ run: StoredRun) throws(StoreError) { try fail() }
    func appendEventBatches(_ batches: [EventBatch]) throws(StoreError) { try fail() }
    func finishRun(_ runId: String, outcome: RunOutcome) throws(StoreError) { try fail() }
    func write(_ changes: RunChanges) throws(StoreError) { try fail() }
    func run(_ runId: String) throws(StoreError) -> StoredRun? { nil }
    func eventBatches(runId: String, afterSeq: UInt64, limit: Int) throws(StoreError) -> [EventBatch] { [] }
    func listRuns(_ query: RunQuery) throws(StoreError) -> RunPage { RunPage(runs: [], nextCursor: nil) }
    func deleteRun(_ runId: String) throws(StoreError) -> Bool { false }
    func pruneRuns(endedBefore date: Date) throws(StoreError) -> Int { 0 }
    func requestCancel(_ runId: String) throws(StoreError) { try fail() }
    func cancelRequests(owner: RunOwner) throws(StoreError) -> [String] { [] }
    func markInterrupted(isAlive: (RunOwner) -> Bool) throws(StoreError) -> [String] { [] }
    func insertSession(_ session: StoredSession) throws(StoreError) { try inner.insertSession(session) }
    func session(_ sessionId: String) throws(StoreError) -> StoredSession? { try inner.session(sessionId) }
    func appendTurn(sessionId: String, turn: Turn) throws(StoreError) {
        try inner.appendTurn(sessionId: sessionId, turn: turn)
    }
    func deleteSession(_ sessionId: String) throws(StoreError) -> Bool { try inner.deleteSession(sessionId) }
    func listSessions(_ query: SessionQuery) throws(StoreError) -> SessionPage { try inner.listSessions(query) }
}
