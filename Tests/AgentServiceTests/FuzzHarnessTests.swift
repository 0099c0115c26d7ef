import AgentService
import Foundation
import JSONCore
import JSONRPC
import JSONRPCTransport
import Synchronization
import Testing

@testable import AgentFuzzing

/// The fuzz harness serves an input in memory exactly as the service serves a client's stdin: the same
/// bytes come out, every face is reached, every run is answered before it returns, and nothing one input
/// does is seen by the next.
@Suite struct FuzzHarnessTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzCorpus")

    static func seed(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: corpus.appendingPathComponent("seeds").appendingPathComponent(name)))
    }

    /// The frames in `output`, parsed.
    static func frames(_ output: [UInt8]) -> [JSONValue] {
        var decoder = FrameDecoder()
        var frames: [JSONValue] = []
        decoder.feed(output) { event in
            if case .frame(let bytes) = event, let value = try? JSONValue.parse(bytes) { frames.append(value) }
        }
        return frames
    }

    /// Every input the fuzzer kept as a seed or found crashing runs through the service again.
    @Test func fuzzCorpusReplaysWithoutACrash() async throws {
        var files: [URL] = []
        for folder in ["seeds", "regressions"] {
            let directory = Self.corpus.appendingPathComponent(folder)
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            files += names.filter { !$0.hasPrefix(".") }.map { directory.appendingPathComponent($0) }
        }
        #expect(files.count >= 40)
        for file in files {
            await FuzzHarness.run([UInt8](try Data(contentsOf: file)))
        }
    }

    /// Seeds with a request answered from a task (ACP `session/load` of a session only the store has).
    static let answeredFromATask: Set<String> = ["acp-session.ndjson"]

    /// Without runs (whose ids and timings differ every time), the in-memory path writes byte for byte
    /// what a connection on pipes writes, in both framings and on every face.
    @Test(arguments: [
        "ping.ndjson", "ping.lsp", "initialize.ndjson", "initialize.lsp", "lists.ndjson", "lists.lsp",
        "empty-batch.ndjson", "parse-error.ndjson", "bad-version.ndjson", "bad-version.lsp", "bad-length.lsp",
        "header-extra.lsp", "unknown-method.ndjson", "unknown-method.lsp", "null-params.ndjson",
        "null-params.lsp", "notification.ndjson", "shutdown-exit.ndjson", "acp-session.ndjson",
        "mcp-discover.ndjson",
    ])
    func inMemoryWritesWhatPipesWrite(seed: String) async throws {
        let input = try Self.seed(seed)
        let inMemory = await FuzzHarness.run(input, keepingOutput: true)
        let overPipes = await Self.servedOverPipes(input)
        let text = { (bytes: [UInt8]) in String(decoding: bytes, as: UTF8.self) }
        if Self.answeredFromATask.contains(seed) {
            // The same frames, but the store-backed reply may come before or after the others.
            let lines = { (bytes: [UInt8]) in text(bytes).split(separator: "\n").sorted() }
            #expect(
                lines(inMemory) == lines(overPipes),
                "in memory:\n\(text(inMemory))\nover pipes:\n\(text(overPipes))"
            )
        } else {
            #expect(inMemory == overPipes, "in memory:\n\(text(inMemory))\nover pipes:\n\(text(overPipes))")
        }
    }

    /// The first message picks the face, as it does for a client: ACP and MCP are fuzzed too.
    @Test func everyFaceIsReached() async throws {
        let native = Self.frames(await FuzzHarness.run(try Self.seed("initialize.ndjson"), keepingOutput: true))
        #expect(native.first?["result", "serverInfo", "name"] == "agentwire")
        let acp = Self.frames(await FuzzHarness.run(try Self.seed("acp-prompt.ndjson"), keepingOutput: true))
        #expect(acp.first?["result", "protocolVersion"] == 1)
        #expect(acp.contains { $0["method"] == "session/update" })
        let mcp = Self.frames(await FuzzHarness.run(try Self.seed("mcp-tools.ndjson"), keepingOutput: true))
        #expect(mcp.first?["result", "protocolVersion"] == "2025-06-18")
        #expect(mcp.contains { $0["id"] == 3 && $0["result", "structuredContent", "output"] == "a b c" })
    }

    /// End of input is handled as the face handles EOF: the native face answers every run first.
    @Test func everyRunIsAnsweredBeforeItReturns() async throws {
        for _ in 0..<20 {
            let frames = Self.frames(await FuzzHarness.run(try Self.seed("workflow-run.ndjson"), keepingOutput: true))
            let replies = frames.filter { $0["id"] != nil }
            #expect(replies.count == 1 && replies.first?["result", "output"] != nil, "\(frames)")
        }
    }

    /// Each input gets a runtime, a store and a face of its own: `shutdown` does not outlive its input,
    /// the rate limit counts one input's runs only, and a fixture an input removed is back for the next.
    @Test func nothingCarriesOverToTheNextInput() async throws {
        await FuzzHarness.run(Array(#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#.utf8) + [10])
        let agents = Array(#"{"jsonrpc":"2.0","id":2,"method":"agents/list"}"#.utf8) + [10]
        let listed = Self.frames(await FuzzHarness.run(agents, keepingOutput: true))
        #expect(listed.first?["result", "agents"] != nil, "\(listed)")

        let starts: [UInt8] = (1...3).flatMap { (id: Int) -> [UInt8] in
            Array(#"{"jsonrpc":"2.0","id":\#(id),"method":"agent/start","params":{"agent":"echo","input":"x"}}"#.utf8)
                + [10]
        }
        for _ in 0..<3 {
            let frames = Self.frames(await FuzzHarness.run(starts, keepingOutput: true))
            let accepted = frames.filter { $0["result", "runId"] != nil }
            let refused = frames.filter { $0["error", "code"] == -32006 }
            #expect(accepted.count == 2 && refused.count == 1, "\(frames)")
        }

        let close = Array(#"{"jsonrpc":"2.0","id":1,"method":"session/close","params":{"sessionId":"ses_fuzz"}}"#.utf8)
        let prompt = Array(
            #"{"jsonrpc":"2.0","id":2,"method":"session/prompt","params":{"sessionId":"ses_fuzz","input":"x"}}"#.utf8
        )
        let closedThenPrompted = Self.frames(await FuzzHarness.run(close + [10] + prompt + [10], keepingOutput: true))
        // Both are answered from tasks of their own, in either order.
        let promptReply = closedThenPrompted.first { $0["id"] == 2 }
        #expect(promptReply?["error", "code"] == -32001, "\(closedThenPrompted)")
        let prompted = Self.frames(await FuzzHarness.run(prompt + [10], keepingOutput: true))
        #expect(prompted.last?["result", "output"] == "x", "\(prompted)")
    }

    // MARK: The fuzz binary, whose inputs' tasks run on the thread serving them

    /// `agentwire-fuzz`, built next to `agentwire`.
    static var fuzzBinary: URL {
        TestClient.binaryURL.deletingLastPathComponent().appendingPathComponent("agentwire-fuzz")
    }

    /// What the fuzz binary's replayer wrote for each of `files`, served one after another in one process
    /// as the fuzzer serves its inputs (`agentwire-fuzz --output`).
    static func replayed(_ files: [URL]) async throws -> [[UInt8]] {
        let run = try await BinaryRun.run(["--output"] + files.map(\.path), executable: fuzzBinary, input: [])
        #expect(run.status == 0)
        var rest = run.stdout[...]
        var outputs: [[UInt8]] = []
        for (index, file) in files.enumerated() {
            let header = Array("==> \(file.path)\n".utf8)
            guard rest.starts(with: header) else {
                Issue.record("no output for \(file.lastPathComponent): \(String(decoding: rest, as: UTF8.self))")
                return outputs
            }
            rest = rest.dropFirst(header.count)
            let next =
                index + 1 < files.count ? Array("\n==> \(files[index + 1].path)\n".utf8) : Array("\nreplayed ".utf8)
            guard let end = rest.firstRange(of: next)?.lowerBound else {
                Issue.record("output of \(file.lastPathComponent) does not end")
                return outputs
            }
            outputs.append(Array(rest[..<end]))
            rest = rest[(end + 1)...]
        }
        return outputs
    }

    static func seedURL(_ name: String) -> URL {
        corpus.appendingPathComponent("seeds").appendingPathComponent(name)
    }

    /// The fuzz binary takes over the global executor so that an input's tasks run between its messages on
    /// the serving thread; it still writes, input after input, what a connection on pipes writes.
    @Test func fuzzBinaryWritesWhatPipesWrite() async throws {
        let seeds = [
            "ping.ndjson", "initialize.lsp", "lists.ndjson", "empty-batch.ndjson", "parse-error.ndjson",
            "bad-length.lsp", "unknown-method.ndjson", "null-params.lsp", "shutdown-exit.ndjson",
            "acp-session.ndjson", "mcp-discover.ndjson",
        ]
        let outputs = try await Self.replayed(seeds.map(Self.seedURL))
        try #require(outputs.count == seeds.count)
        for (seed, output) in zip(seeds, outputs) {
            let overPipes = await Self.servedOverPipes(try Self.seed(seed))
            let lines = { (bytes: [UInt8]) in String(decoding: bytes, as: UTF8.self).split(separator: "\n").sorted() }
            if Self.answeredFromATask.contains(seed) {
                #expect(lines(output) == lines(overPipes), "\(seed)")
            } else {
                #expect(output == overPipes, "\(seed): \(String(decoding: output, as: UTF8.self))")
            }
        }
    }

    /// Nothing a face waits for on the serving thread (`exit`, end of input) is left waiting for that
    /// thread: a store read still under way when `exit` arrives is answered, and so is every run.
    @Test func fuzzBinaryAnswersWhatAFaceWaitsFor() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let readThenExit = directory.appendingPathComponent("read-then-exit.ndjson")
        try Data(
            """
            {"jsonrpc":"2.0","id":1,"method":"run/status","params":{"runId":"run_fuzz"}}
            {"jsonrpc":"2.0","id":2,"method":"shutdown"}
            {"jsonrpc":"2.0","method":"exit"}

            """.utf8
        ).write(to: readThenExit)
        let outputs = try await Self.replayed([readThenExit, Self.seedURL("workflow-run.ndjson")])
        try #require(outputs.count == 2)
        let exited = Self.frames(outputs[0])
        #expect(exited.first { $0["id"] == 1 }?["result", "status"] == "completed", "\(exited)")
        #expect(exited.contains { $0["id"] == 2 }, "\(exited)")
        let replies = Self.frames(outputs[1]).filter { $0["id"] != nil }
        #expect(replies.count == 1 && replies.first?["result", "output"] != nil, "\(replies)")
    }

    /// The fuzz binary serves an input the same way every time: a cancellation meets its run at the same
    /// point, so a failing input reproduces.
    @Test func fuzzBinaryServesAnInputTheSameWayEveryTime() async throws {
        let outputs = try await Self.replayed(Array(repeating: Self.seedURL("cancel.ndjson"), count: 8))
        try #require(outputs.count == 8)
        // Run ids are random and durations are measured; the rest must not vary.
        let normalized = outputs.map { output in
            String(decoding: output, as: UTF8.self)
                .replacing(/run_[0-9a-f]{16}/, with: "run_")
                .replacing(/"durationMs":[0-9]+/, with: #""durationMs":0"#)
        }
        #expect(Set(normalized).count == 1, "\(normalized)")
        #expect(normalized[0].contains("run/step"), "\(normalized[0])")
    }

    /// Serves `input` as `agentwire serve` does: a connection on pipes, its reader and writer threads,
    /// the same runtime and face router; returns everything written until the face closed the output.
    static func servedOverPipes(_ input: [UInt8]) async -> [UInt8] {
        await withCheckedContinuation { continuation in
            Thread {
                var toServer: [Int32] = [0, 0]
                var fromServer: [Int32] = [0, 0]
                precondition(pipe(&toServer) == 0 && pipe(&fromServer) == 0)
                precondition(input.count < 64 * 1024, "the input must fit in the pipe before the server reads")
                _ = input.withUnsafeBytes { write(toServer[1], $0.baseAddress, $0.count) }
                close(toServer[1])
                let serverOutput = fromServer[1]
                let connection = Connection(
                    inputFD: toServer[0],
                    outputFD: serverOutput,
                    maxMessageBytes: FuzzHarness.maxMessageBytes,
                    logger: FuzzHarness.logger
                )
                let exited = Atomic(false)
                let router = FaceRouter(runtime: FuzzHarness.makeRuntime(), logger: FuzzHarness.logger) { _ in
                    if !exited.exchange(true, ordering: .relaxed) { close(serverOutput) }
                }
                // The reader closes its input once it has read it to the end: a face that exits early (`exit`)
                // leaves the reader reading, and a descriptor closed under it could be reused by another
                // test's pipe, whose output the reader would then take.
                connection.start(handler: ClosingInputHandler(router, closing: toServer[0]))
                var output: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 64 * 1024)
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(fromServer[0], $0.baseAddress!, $0.count) }
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { break }
                    output += buffer[0..<n]
                }
                close(fromServer[0])
                continuation.resume(returning: output)
            }.start()
        }
    }
}
