import AgentCore
import JSONRPCTransport
import Logging

extension RunSupervisor {
    /// A supervisor whose reaper cancels the runtime's runs that have gone quiet for
    /// `limits.staleAfterSeconds`, looking a few times per period (every face's runs are reaped alike).
    static func reapingStaleRuns(of runtime: AgentRuntime, logger: Logger) -> RunSupervisor {
        let staleAfter = runtime.config.limits.staleAfterSeconds
        return RunSupervisor(reapEvery: .seconds(min(max(staleAfter / 4, 0.01), 5))) {
            let reaped = runtime.monitor.reapStale(olderThan: .seconds(staleAfter))
            if !reaped.isEmpty { logger.warning("Reaping stale runs", metadata: ["runs": "\(reaped)"]) }
        }
    }
}
