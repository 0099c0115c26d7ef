/// Targets of the idle, streams and slow-client phases.
extension Targets {
    /// Resident memory of a fresh server after `initialize` and a ping.
    static let idleRSSBytes = 15_000_000
    /// Server CPU while 1,000 echo streams run at 100 tokens/s each, in percent of one core.
    static let streamsCPUPercent = 25.0
    /// Added latency per token at the 99th percentile, in ms.
    static let addedLatencyP99Ms = 1.0
    /// Resident memory at the end of the streams phase against just after warm-up, in percent either way.
    static let rssFlatPercent = 10.0
}
