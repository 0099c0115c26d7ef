import AgentCore
import JSONRPCTransport
import Logging

extension RunSupervisor {
    /// A supervisor whose reaper cancels the runtime's runs that have gone quiet for
    /// `limits.staleAfterSeconds`, looking a few times per period (every face's runs are reaped alike).
    static func reapingStaleRuns(of runtime: AgentRuntime, logger: Logger) -> RunSupervisor {
        let staleAfter = runtime.config.limits.staleAfterSeconds
        return RunSupervisor(reapEvery: .seconds(min(max(staleAfter / 4, 0.01), 5)), scheduler: Pacer.shared) {
            let reaped = runtime.monitor.reapStale(olderThan: .seconds(staleAfter))
            if !reaped.isEmpty { logger.warning("Reaping stale runs", metadata: ["runs": "\(reaped)"]) }
        }
    }
}

/// The reaper's passes run on the pacer's thread, as one-shot entries of its heap.
extension Pacer: PassScheduler {
    public func cancel(_ token: UInt64) { cancelScheduled(token) }
}
