import Foundation
import JSONRPC
import JSONRPCTransport
import Synchronization
import Testing

@Suite struct RunSupervisorTests {
    static func admitAll(_: Int) throws(ResponseError) {}

    @Test func aRequestIdInUseByARunIsRefused() throws {
        let runs = RunSupervisor()
        try runs.admit(key: .integer(1), runId: "run_a", admit: Self.admitAll)
        #expect(throws: ResponseError.self) { try runs.admit(key: .integer(1), runId: "run_b", admit: Self.admitAll) }
        runs.withdraw(.integer(1))
        try runs.admit(key: .integer(1), runId: "run_c", admit: Self.admitAll)
        #expect(runs.count == 1)
    }

    @Test func admissionSeesTheRunsInFlightAndMayRefuse() throws {
        let runs = RunSupervisor()
        let limit: (Int) throws(ResponseError) -> Void = { inFlight throws(ResponseError) in
            if inFlight >= 1 { throw ResponseError(code: .overloaded, message: "Overloaded") }
        }
        try runs.admit(key: .integer(1), runId: "run_a", admit: limit)
        do {
            try runs.admit(key: .integer(2), runId: "run_b", admit: limit)
            Issue.record("a second run was admitted past the limit")
        } catch {
            #expect(error.code == .overloaded)
        }
        #expect(runs.unsettled == 1)
    }

    /// A cancellation that arrives before the run's task exists cancels the task as soon as it is attached,
    /// and its dialect decides the reply.
    @Test func anEarlyCancellationReachesTheTaskAndKeepsItsMode() async throws {
        let runs = RunSupervisor()
        try runs.admit(key: .string("r"), runId: "run_a", admit: Self.admitAll)
        #expect(runs.cancel(request: .string("r"), mode: .noReply))
        let task = Task {
            while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(1)) }
        }
        runs.attach(task, to: .string("r"))
        await task.value
        #expect(runs.finish(.string("r")) == .noReply)
        #expect(!runs.cancel(request: .string("r"), mode: .errorReply))
    }

    @Test func cancellingByRunIdLeavesTheReplyNormal() async throws {
        let runs = RunSupervisor()
        try runs.admit(key: .integer(3), runId: "run_x", admit: Self.admitAll)
        #expect(runs.isRunning(runId: "run_x"))
        #expect(runs.cancel(runId: "run_x"))
        #expect(!runs.cancel(runId: "run_unknown"))
        #expect(runs.finish(.integer(3)) == CancelMode.none)
        #expect(!runs.isRunning(runId: "run_x"))
    }

    @Test func endOfInputWaitsUntilEveryReplyIsQueued() throws {
        let runs = RunSupervisor()
        try runs.admit(key: .integer(1), runId: "run_a", admit: Self.admitAll)
        #expect(!runs.waitUntilSettled(deadline: Date().addingTimeInterval(0.05)))
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) {
            runs.finish(.integer(1))
            runs.settle()
        }
        #expect(runs.waitUntilSettled(deadline: Date().addingTimeInterval(10)))
        #expect(runs.unsettled == 0)
    }
}

extension RunSupervisorTests {
    /// After a stop (SIGTERM, a client that stopped reading), a request still read is refused rather than
    /// starting a run nobody cancels or waits for.
    @Test func aClosedSupervisorAdmitsNothing() throws {
        let runs = RunSupervisor()
        try runs.admit(key: .integer(1), runId: "run_a", admit: Self.admitAll)
        runs.close()
        do {
            try runs.admit(key: .integer(2), runId: "run_b", admit: Self.admitAll)
            Issue.record("a run was admitted after close")
        } catch {
            #expect(error.code == .shuttingDown)
        }
    }
}

extension RunSupervisorTests {
    /// A store read answered from a task keeps end of input waiting until its reply is queued.
    @Test func aHeldReplyKeepsEndOfInputWaiting() {
        let runs = RunSupervisor()
        runs.holdReply()
        #expect(!runs.waitUntilSettled(deadline: Date().addingTimeInterval(0.05)))
        runs.settle()
        #expect(runs.waitUntilSettled(deadline: Date().addingTimeInterval(1)))
    }
}

extension RunSupervisorTests {
    /// The reaper starts with the first run a connection admits, and keeps running.
    @Test func theReaperStartsWithTheFirstRun() async throws {
        let calls = Mutex(0)
        let runs = RunSupervisor(reapEvery: .milliseconds(5)) { calls.withLock { $0 += 1 } }
        try await Task.sleep(for: .milliseconds(30))
        #expect(calls.withLock { $0 } == 0)
        try runs.admit(key: .integer(1), runId: "run_a", admit: Self.admitAll)
        let deadline = ContinuousClock.now + .seconds(5)
        while calls.withLock({ $0 }) < 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(calls.withLock { $0 } >= 2)
    }

    /// With a scheduler, the passes are its timers: each pass arms the next, and a supervisor that goes
    /// away drops the pass it had armed, so an ended connection leaves no timer behind.
    @Test func aScheduledReaperArmsEachPassAndDropsThePendingOneWhenItGoes() throws {
        let scheduler = ManualScheduler()
        let calls = Mutex(0)
        var runs: RunSupervisor? = RunSupervisor(reapEvery: .seconds(1), scheduler: scheduler) {
            calls.withLock { $0 += 1 }
        }
        try runs?.admit(key: .integer(1), runId: "run_a", admit: Self.admitAll)
        #expect(scheduler.pending.count == 1)
        scheduler.fire()
        scheduler.fire()
        #expect(calls.withLock { $0 } == 2)
        #expect(scheduler.pending.count == 1)
        runs = nil
        #expect(scheduler.pending.isEmpty)
        #expect(calls.withLock { $0 } == 2)
    }
}

/// Holds scheduled actions until the test fires them, one at a time.
private final class ManualScheduler: PassScheduler {
    private let state = Mutex<(next: UInt64, actions: [(token: UInt64, action: @Sendable () -> Void)])>((0, []))

    var pending: [UInt64] { state.withLock { $0.actions.map(\.token) } }

    func schedule(after delay: Duration, _ action: @escaping @Sendable () -> Void) -> UInt64 {
        state.withLock { state in
            state.next += 1
            state.actions.append((state.next, action))
            return state.next
        }
    }

    func cancel(_ token: UInt64) {
        state.withLock { $0.actions.removeAll { $0.token == token } }
    }

    /// Runs the oldest pending action.
    func fire() {
        let action = state.withLock { $0.actions.isEmpty ? nil : $0.actions.removeFirst().action }
        action?()
    }
}
