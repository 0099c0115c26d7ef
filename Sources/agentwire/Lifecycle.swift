import AgentCore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Stops the configured MCP servers when the process shuts down (stdin closed, then SIGTERM, then
/// SIGKILL); they are killed with the process anyway if it dies first.
struct MCPServersService: Service {
    let runtime: AgentRuntime

    func run() async throws {
        try? await gracefulShutdown()
        await runtime.shutdown()
    }
}

/// The long-lived services of `serve` (span exporter, metrics listener, run store) in one `ServiceGroup`,
/// and the one way out of the process.
///
/// The group shuts its services down one at a time in reverse order: listed as exporter, listener, store,
/// the store writes what is pending and closes first, then the listener stops, then the exporter sends
/// the last spans. The faces have settled and answered their runs before (they call ``exit(_:)`` once
/// their connection is closed).
final class Lifecycle: Sendable {
    private let group: ServiceGroup
    private let running: Task<Void, Never>
    private let exiting = Mutex(false)

    init(services: [any Service], logger: Logger) {
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [], logger: logger)
        self.group = group
        running = Task {
            do { try await group.run() } catch {
                logger.warning("A service of the process stopped", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Shuts the services down (waiting at most `seconds`), then exits with `status`. Only the first
    /// caller does: the reader at EOF or `exit`, the signal queue and a broken pipe may all get here, and
    /// `exit(3)` must run once; later callers wait for it.
    func exit(_ status: Int32, within seconds: Double = 3) -> Never {
        let first = exiting.withLock { exiting in
            defer { exiting = true }
            return !exiting
        }
        guard first else {
            while true { Thread.sleep(forTimeInterval: 3600) }
        }
        let done = DispatchSemaphore(value: 0)
        let (group, running) = (group, running)
        Task {
            await group.triggerGracefulShutdown()
            await running.value
            done.signal()
        }
        _ = done.wait(timeout: .now() + seconds)
        Foundation.exit(status)
    }
}
