import Dispatch
import FakeModelServer
import Foundation
import JSONCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The latency the service adds to a model's tokens: a loopback server speaking the OpenAI streaming
/// API sends N tokens at a fixed rate to an `openai` agent; each token is stamped just before the
/// server writes it and again when its `run/token` line is read from the service's stdout. The
/// difference covers the loopback socket, the HTTP client, SSE and JSON decoding, the run's bookkeeping
/// and the notification's encoding and pipe: what AgentWire adds between the model and the client.
enum ProviderPhase {
    static func measure(
        binary: String,
        tokens: Int,
        intervalMs: Int,
        timeout: Double
    ) throws(BenchError)
        -> ProviderFigures
    {
        let sent = Stamps(count: tokens)
        let model = try startServer { _ in
            var actions: [FakeModelServer.Action] = [
                .send(Array((StreamScript.eventStreamHead + StreamScript.roleChunk).utf8))
            ]
            for index in 0..<tokens {
                let frame = Array(StreamScript.content("t\(index) ").utf8)
                actions.append(.pause(milliseconds: intervalMs))
                actions.append(.call { sent.values.withLock { $0[index] = now() } })
                actions.append(.send(frame))
            }
            actions.append(.send(Array((StreamScript.finish() + StreamScript.done).utf8)))
            return actions
        }
        defer { stopServer(model) }
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("agentwire-bench-\(getpid()).json")
        let text =
            #"{"agents": {"loopback": {"provider": {"type": "openai", "baseURL": "\#(model.baseURL)", "model": "bench", "retries": 0}}}}"#
        do {
            try Data(text.utf8).write(to: config)
        } catch {
            throw BenchError("cannot write \(config.path): \(error)")
        }
        defer { try? FileManager.default.removeItem(at: config) }

        let session = try Session(
            binary: binary,
            timeout: timeout,
            arguments: ServerProcess.memoryStore + ["--config", config.path]
        )
        let request =
            #"{"jsonrpc":"2.0","id":1,"method":"agent/run","params":{"agent":"loopback","input":"go"}}"# + "\n"
        try session.server.write(Array(request.utf8))
        var received = [UInt64](repeating: 0, count: tokens)
        var seen = 0
        let start = now()
        try session.measure { () throws(BenchError) in
            while true {
                let done = try session.reader.withNextLine { line throws(BenchError) -> Bool in
                    let at = now()
                    guard hasPrefix(line, TokenPhase.tokenPrefix.buffer) else {
                        let message = try Wire.parse(line)
                        if message["id"] != nil {
                            if let error = message["error"] {
                                throw BenchError("agent/run failed: \(String(error.jsonString.prefix(300)))")
                            }
                            return true
                        }
                        return false
                    }
                    let message = try Wire.parse(line)
                    guard let token = message["params"]?["text"]?.stringValue, token.hasPrefix("t"),
                        let index = Int(token.dropFirst().dropLast()), index < tokens
                    else { throw BenchError("an unexpected token: \(message.jsonString)") }
                    received[index] = at
                    seen += 1
                    return false
                }
                guard let done else { throw BenchError("the server closed stdout mid-run") }
                if done { break }
            }
        }
        let wall = Double(now() - start) / 1e9
        _ = try session.finish()
        guard seen == tokens else { throw BenchError("\(seen) run/token lines for \(tokens) tokens") }
        let stamps = sent.values.withLock { $0 }
        let latencies = zip(stamps, received).map { Double($1 &- $0) / 1e3 }  // microseconds
        return ProviderFigures(tokens: tokens, intervalMs: intervalMs, latenciesMicros: latencies, wallSeconds: wall)
    }

    private static func startServer(script: @escaping FakeModelServer.Script) throws(BenchError) -> FakeModelServer {
        let box = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                let server = try await FakeModelServer.start(script: script)
                box.value.withLock { $0 = .success(server) }
            } catch {
                box.value.withLock { $0 = .failure(BenchError("cannot start the loopback model server: \(error)")) }
            }
            done.signal()
        }
        done.wait()
        return try box.value.withLock { $0! }.get()
    }

    private static func stopServer(_ server: FakeModelServer) {
        let done = DispatchSemaphore(value: 0)
        Task {
            await server.stop()
            done.signal()
        }
        done.wait()
    }
}

/// When each token was written, by index.
private final class Stamps: Sendable {
    let values: Mutex<[UInt64]>
    init(count: Int) { values = Mutex([UInt64](repeating: 0, count: count)) }
}

private final class Outcome: Sendable {
    let value = Mutex<Result<FakeModelServer, BenchError>?>(nil)
}

/// Per-token latency from the model server's write to the `run/token` line read on stdout.
struct ProviderFigures {
    var tokens: Int
    var intervalMs: Int
    var latenciesMicros: [Double]
    var wallSeconds: Double

    private var sorted: [Double] { latenciesMicros.sorted() }

    func percentile(_ p: Double) -> Double {
        let values = sorted
        guard !values.isEmpty else { return 0 }
        let rank = Int((p / 100 * Double(values.count)).rounded(.up)) - 1
        return values[min(max(rank, 0), values.count - 1)]
    }

    var p50Ms: Double { percentile(50) / 1000 }
    var p99Ms: Double { percentile(99) / 1000 }
    var maxMs: Double { (sorted.last ?? 0) / 1000 }
    var meetsTarget: Bool { p99Ms < Targets.providerP99Ms }
}
