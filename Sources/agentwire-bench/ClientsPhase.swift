import JSONCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What one client library delivers to user code: tokens per second of one echo stream read with
/// `async for` / `for await`, every token on its own and with `tokenCoalesceMs`.
struct ClientFigures {
    var client: String
    /// The runtime (`Python 3.11.7`, `node v20.20.2`).
    var runtime: String
    var words: Int
    var everyToken: Double
    var coalesced: Double
    var coalesceMs: Int
    /// Notifications of the every-token stream and of the coalesced one.
    var notifications: (every: Int, coalesced: Int)
    /// The server writing the same stream alone, for scale.
    var serverAlone: Double
    var target: Double

    var meetsTarget: Bool { everyToken >= target }
}

/// The client phase: `clients/python/bench.py` and `clients/node/bench.mjs` against the binary, each
/// reporting one JSON object.
enum ClientsPhase {
    static let pythonTarget = 300_000.0
    static let nodeTarget = 1_000_000.0

    /// Runs each client's bench whose runtime is there; a missing one is reported as not run.
    static func measure(
        binary: String,
        words: Int,
        runs: Int,
        python: String?,
        timeout: Double
    ) -> [Result<ClientFigures, BenchError>] {
        let common = ["--binary", binary, "--words", String(words), "--json"]
        let clients: [(runtime: String?, missing: String, script: [String], target: Double)] = [
            (
                python, "python: no venv; run scripts/setup-protocol-clients.sh",
                ["clients/python/bench.py", "--repeat", String(runs)], pythonTarget
            ),
            (which("node"), "node: not on PATH", ["clients/node/bench.mjs", "--runs", String(runs)], nodeTarget),
        ]
        return clients.map { client in
            guard let runtime = client.runtime else { return .failure(BenchError(client.missing)) }
            return run(command: [runtime] + client.script + common, target: client.target, timeout: timeout)
        }
    }

    private static func run(command: [String], target: Double, timeout: Double) -> Result<ClientFigures, BenchError> {
        do throws(BenchError) {
            let process = try ServerProcess(binary: command[0], arguments: Array(command.dropFirst()))
            let watchdog = Watchdog(pid: process.pid, seconds: timeout)
            defer { watchdog.cancel() }
            process.closeInput()
            let reader = LineReader(fd: process.outputFD)
            var last: [UInt8]? = nil
            while let line = try reader.nextLine() { last = line }
            let exit = try process.waitForExit()
            if watchdog.fired { throw BenchError("\(command[1]) timed out after \(Int(timeout)) s") }
            guard exit.isClean, let last else { throw BenchError("\(command[1]) ended with \(exit.summary)") }
            let report = try Wire.parse(last)
            func rate(_ mode: String) -> Double { report[mode]?["endToEnd"]?.doubleValue ?? 0 }
            let client = report["client"]?.stringValue ?? command[1]
            let runtime =
                report["python"].flatMap { $0.stringValue.map { "Python \($0)" } }
                ?? report["node"]?.stringValue.map { "node \($0)" } ?? ""
            return .success(
                ClientFigures(
                    client: client,
                    runtime: runtime,
                    words: Int(report["words"]?.integerValue ?? 0),
                    everyToken: rate("everyToken"),
                    coalesced: rate("coalesced"),
                    coalesceMs: Int(report["coalesced"]?["coalesceMs"]?.integerValue ?? 0),
                    notifications: (
                        Int(report["everyToken"]?["notifications"]?.integerValue ?? 0),
                        Int(report["coalesced"]?["notifications"]?.integerValue ?? 0)
                    ),
                    serverAlone: report["serverAlone"]?.doubleValue
                        ?? report["everyToken"]?["serverAlone"]?.doubleValue ?? 0,
                    target: target
                )
            )
        } catch {
            return .failure(error)
        }
    }

    /// The first `name` on PATH.
    private static func which(_ name: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") where access("\(directory)/\(name)", X_OK) == 0 {
            return "\(directory)/\(name)"
        }
        return nil
    }
}
