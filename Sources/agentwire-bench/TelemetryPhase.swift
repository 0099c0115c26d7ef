/// What metrics and tracing cost on the token path: the token phase on a server with `--no-telemetry`
/// and on one with metrics (Prometheus, scraped over `--metrics-listen`) and spans exported over OTLP to a
/// loopback sink, alternately; medians compared.
enum TelemetryPhase {
    static func measure(
        binary: String,
        words: Int,
        reps: Int,
        countOnly: Bool,
        timeout: Double
    ) throws(BenchError) -> TelemetryFigures {
        let sink = try OTLPSink()
        defer { sink.stop() }
        var off: [TokenFigures] = []
        var on: [TokenFigures] = []
        for rep in 0..<reps {
            func offRun() throws(BenchError) {
                off.append(
                    try TokenPhase.measure(
                        binary: binary,
                        words: words,
                        countOnly: countOnly,
                        timeout: timeout,
                        serverArguments: ServerProcess.memoryStore + ["--no-telemetry"]
                    )
                )
            }
            func onRun() throws(BenchError) {
                on.append(
                    try TokenPhase.measure(
                        binary: binary,
                        words: words,
                        countOnly: countOnly,
                        timeout: timeout,
                        serverArguments: ServerProcess.memoryStore + [
                            "--metrics-listen", "127.0.0.1:0", "--otlp-endpoint", "http://127.0.0.1:\(sink.port)",
                        ]
                    )
                )
            }
            if rep % 2 == 0 {
                try offRun()
                try onRun()
            } else {
                try onRun()
                try offRun()
            }
        }
        return TelemetryFigures(words: words, off: off, on: on, exports: sink.requests)
    }
}

/// The token phase with telemetry off and on.
struct TelemetryFigures {
    var words: Int
    var off: [TokenFigures]
    var on: [TokenFigures]
    /// OTLP posts the sink answered (spans exported by the servers with telemetry on).
    var exports: Int

    var offTokensPerSecond: Summary { Summary(off.map(\.tokensPerSecond)) }
    var onTokensPerSecond: Summary { Summary(on.map(\.tokensPerSecond)) }
    var offServerCPUSeconds: Summary { Summary(off.map(\.cost.serverCPUSeconds)) }
    var onServerCPUSeconds: Summary { Summary(on.map(\.cost.serverCPUSeconds)) }

    /// How much slower tokens stream with telemetry on, in percent of the speed with it off (medians;
    /// negative when it came out faster).
    var costPercent: Double { (1 - onTokensPerSecond.median / offTokensPerSecond.median) * 100 }
    var serverCPUCostPercent: Double { (onServerCPUSeconds.median / offServerCPUSeconds.median - 1) * 100 }
    /// Within the target either way: the two are to be under 10 % apart.
    var meetsTarget: Bool { abs(costPercent) < Targets.telemetryCostPercent }

    /// Rows for the report's table.
    static func rows(_ result: Result<TelemetryFigures, BenchError>?) -> [[String]] {
        switch result {
        case .success(let f)?:
            let n = "median of \(f.off.count)"
            return [
                [
                    "tokens, --no-telemetry (\(Format.grouped(f.words)) words, \(n))",
                    "\(Format.grouped(f.offTokensPerSecond.median)) /s", "", "",
                ],
                [
                    "tokens, metrics + OTLP spans (\(Format.grouped(f.words)) words, \(n))",
                    "\(Format.grouped(f.onTokensPerSecond.median)) /s", "", "",
                ],
                [
                    "  telemetry cost, 1 − on / off tokens/s", Format.fixed(f.costPercent, 1) + " %",
                    "< \(Format.grouped(Targets.telemetryCostPercent)) % apart", f.meetsTarget ? "ok" : "MISSED",
                ],
                [
                    "  tokens/s off, on (each run)",
                    f.off.map { Format.grouped($0.tokensPerSecond) }.joined(separator: " ") + "; "
                        + f.on.map { Format.grouped($0.tokensPerSecond) }.joined(separator: " "),
                    "", "",
                ],
                [
                    "  server CPU off / on (median)",
                    "\(Format.ms(f.offServerCPUSeconds.median * 1000)) / \(Format.ms(f.onServerCPUSeconds.median * 1000)) ms "
                        + "(\(f.serverCPUCostPercent >= 0 ? "+" : "")\(Format.fixed(f.serverCPUCostPercent, 1)) %)",
                    "", "",
                ],
                ["  OTLP posts received by the sink", "\(f.exports)", "", ""],
            ]
        case .failure(let e)?: return [["telemetry", "FAILED", "", e.description]]
        case nil: return []
        }
    }

    /// Members of the `--json` report.
    var json: [(String, JSONOut)] {
        [
            ("words", .integer(words)), ("reps", .integer(off.count)),
            ("offTokensPerSecond", .real(offTokensPerSecond.median, digits: 0)),
            ("onTokensPerSecond", .real(onTokensPerSecond.median, digits: 0)),
            ("costPercent", .real(costPercent, digits: 2)),
            ("offServerCPUSeconds", .real(offServerCPUSeconds.median, digits: 6)),
            ("onServerCPUSeconds", .real(onServerCPUSeconds.median, digits: 6)),
            ("serverCPUCostPercent", .real(serverCPUCostPercent, digits: 2)),
            ("otlpPosts", .integer(exports)),
            ("targetCostPercent", .real(Targets.telemetryCostPercent, digits: 0)),
            ("meetsTarget", .bool(meetsTarget)),
        ]
    }
}
