import AgentCore
import Dispatch
import ServiceLifecycle

/// The run store as a service of the process's `ServiceGroup`: it runs until the group shuts down, then
/// writes what is pending and closes the store.
///
/// The group shuts its services down in reverse order, so listed after the telemetry exporters the store
/// closes first and the exporters still send the spans of its last writes. By then the faces have
/// settled their runs and answered them (they stop before the group does).
public struct RunStoreService: Service, CustomStringConvertible {
    let recorder: any RunRecorder

    public init(recorder: any RunRecorder) {
        self.recorder = recorder
    }

    /// How the service group names it in its logs.
    public var description: String { "RunStoreService" }

    public func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            // Cancelled rather than shut down: the store is closed all the same.
        }
        // Closing blocks while the last flush is written: off the cooperative threads.
        let recorder = self.recorder
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                recorder.close()
                done.resume()
            }
        }
    }
}
