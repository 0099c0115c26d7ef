/// Thrown when an operation ran past its time limit.
public struct TimeoutError: Error, Sendable {
    public var milliseconds: Int
}

/// Runs `operation`, cancelling it after `milliseconds` (none: no limit).
///
/// On timeout the operation is cancelled and awaited (so its partial work is settled) before
/// ``TimeoutError`` is thrown. Cancellation of the caller propagates as `CancellationError`.
func withTimeout(milliseconds: Int?, _ operation: @escaping @Sendable () async throws -> Void) async throws {
    guard let milliseconds else {
        try await operation()
        return
    }
    try await withThrowingTaskGroup(of: Bool.self) { group in
        group.addTask {
            try await operation()
            return true
        }
        group.addTask {
            try await Task.sleep(for: .milliseconds(milliseconds))
            return false
        }
        let finishedFirst: Bool
        do {
            finishedFirst = try await group.next()!
        } catch {
            group.cancelAll()
            throw error
        }
        group.cancelAll()
        if finishedFirst { return }
        // The timer won: let the operation observe its cancellation and settle.
        while let _ = try? await group.next() {}
        if Task.isCancelled { throw CancellationError() }
        throw TimeoutError(milliseconds: milliseconds)
    }
}
