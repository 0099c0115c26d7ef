/// Where a phase's wall time went: CPU used by the bench (all its threads) and by the server process.
struct PhaseCost {
    var wallSeconds: Double
    /// CPU time of the bench process during the measured window.
    var clientCPUSeconds: Double
    /// CPU time of the server over its whole life (start, initialize, the phase, exit).
    var serverCPUSeconds: Double
}

/// Spawn to `initialize` reply, over several fresh processes.
struct StartupFigures {
    var samplesMs: [Double]
    /// Close of stdin to exit, per process.
    var exitMs: Summary
    /// Server CPU per process (start, initialize, exit).
    var serverCPUMs: Summary

    var summary: Summary { Summary(samplesMs) }
}

/// One ping at a time, each waiting for its reply.
struct SequentialFigures {
    var count: Int
    var seconds: Double
    var latencyUs: Summary
    var cost: PhaseCost

    var perSecond: Double { Double(count) / seconds }
}

/// All pings written at once by one thread while another reads the replies.
struct PipelinedFigures {
    var count: Int
    var seconds: Double
    /// When the writer had handed the last ping to the pipe, from the start.
    var writtenMs: Double
    /// `read(2)` calls that returned data.
    var reads: Int
    var cost: PhaseCost

    var perSecond: Double { Double(count) / seconds }
}

/// One echo run streaming a token notification per word.
struct TokenFigures {
    var words: Int
    var seconds: Double
    var bytesReceived: Int
    /// `read(2)` calls that returned data.
    var reads: Int
    var requestBytes: Int
    /// When the writer had handed the whole request to the pipe, from the start.
    var requestWrittenMs: Double
    /// When the chunk holding `run/started` was read, from the start (nil in --count-only mode).
    var runStartedMs: Double?
    /// When the chunks holding the first and the last token were read, from the start (nil in --count-only mode).
    var firstTokenMs: Double?
    var lastTokenMs: Double?
    /// The run's own `durationMs` from the result (nil in --count-only mode).
    var serverRunMs: Int?
    var countOnly: Bool
    var cost: PhaseCost

    var tokensPerSecond: Double { Double(words) / seconds }
    var megabytesPerSecond: Double { Double(bytesReceived) / seconds / 1_000_000 }
    /// Tokens per second while tokens were streaming (first to last token line).
    var streamingTokensPerSecond: Double? {
        guard let first = firstTokenMs, let last = lastTokenMs, last > first else { return nil }
        return Double(words - 1) / ((last - first) / 1000)
    }
}

/// Everything one bench run measured; a phase is nil when it was not run.
struct BenchResults {
    var binary: String
    var quick: Bool
    var startup: Result<StartupFigures, BenchError>?
    var sequential: Result<SequentialFigures, BenchError>?
    var pipelined: Result<PipelinedFigures, BenchError>?
    var tokens: Result<TokenFigures, BenchError>?
    var store: Result<StoreFigures, BenchError>?
    var workflow: Result<WorkflowFigures, BenchError>?
    var acp: Result<ACPComparison, BenchError>?
    var provider: Result<ProviderFigures, BenchError>?
    var idle: Result<IdleFigures, BenchError>?
    var streams: Result<StreamsFigures, BenchError>?
    var slowClient: Result<SlowClientFigures, BenchError>?
    var telemetry: Result<TelemetryFigures, BenchError>?
    var postgres: Result<PostgresFigures, BenchError>?
    /// Why the postgres phase was selected but not run (no database URL); not a failure.
    var postgresSkipped: String?
    /// The Python and Node clients (a runtime that is missing is a failure naming it).
    var clients: [Result<ClientFigures, BenchError>]?

    var failed: Bool {
        func isFailure<T>(_ r: Result<T, BenchError>?) -> Bool {
            if case .failure = r { return true }
            return false
        }
        return isFailure(startup) || isFailure(sequential) || isFailure(pipelined) || isFailure(tokens)
            || isFailure(store) || isFailure(workflow) || isFailure(acp) || isFailure(provider) || isFailure(idle)
            || isFailure(streams)
            || isFailure(slowClient) || isFailure(telemetry) || isFailure(postgres)
            || (clients ?? []).contains { isFailure($0) }
    }
}

/// The figures the service is expected to reach on this benchmark.
enum Targets {
    static let startupMs = 20.0
    static let sequentialPerSecond = 30_000.0
    static let tokensPerSecond = 2_000_000.0
    /// How much slower the token phase may be with a SQLite run store than with `--store memory`, in percent.
    static let storeCostPercent = 10.0
    /// How much slower the token phase may be with a PostgreSQL run store than with `--store memory`, in percent.
    static let postgresCostPercent = 10.0
    /// From `run/cancel` sent to one server to the end of the run on another sharing its PostgreSQL store, median.
    static let postgresCancelMs = 250.0
    /// How far apart token throughput with metrics and tracing on and off may be, in percent.
    static let telemetryCostPercent = 10.0
    /// A parallel workflow's `durationMs` minus its slowest branch's.
    static let workflowOverheadMs = 50.0
    /// How many times faster than the Python SDK's echo-style agent one ACP prompt must be answered.
    static let acpSpeedup = 50.0
    /// What the service adds between a model server's token and its `run/token` on stdout, p99.
    static let providerP99Ms = 1.0
}
