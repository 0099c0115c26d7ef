import AgentCore
import Synchronization
import Testing

private final class Box<Value: Sendable>: Sendable {
    let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func update(_ body: (inout Value) -> Void) { value.withLock { body(&$0) } }
    var current: Value { value.withLock { $0 } }
}

@Suite struct PacerTests {
    @Test func drivesAreServedInDeadlineOrder() async throws {
        let order = Box<[Int]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for delay in [600, 1, 300, 150, 450] {
                group.addTask {
                    _ = try await Pacer.shared.drive(every: .milliseconds(delay)) {
                        order.update { $0.append(delay) }
                        return .done
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(order.current == [1, 150, 300, 450, 600])
    }

    @Test func aScheduledActionRunsOnceInDeadlineOrderAndACancelledOneNever() async throws {
        let order = Box<[String]>([])
        Pacer.shared.schedule(after: .milliseconds(40)) { order.update { $0.append("late") } }
        let dropped = Pacer.shared.schedule(after: .milliseconds(20)) { order.update { $0.append("dropped") } }
        Pacer.shared.schedule(after: .milliseconds(5)) { order.update { $0.append("early") } }
        Pacer.shared.cancelScheduled(dropped)
        try await Task.sleep(for: .milliseconds(200))
        #expect(order.current == ["early", "late"])
    }

    @Test func aTaskCancelledBeforeItDrivesNeverSteps() async throws {
        let calls = Box(0)
        let driver = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await Pacer.shared.drive(every: .milliseconds(1)) {
                calls.update { $0 += 1 }
                return .next
            }
        }
        await #expect(throws: CancellationError.self) { try await driver.value }
        try await Task.sleep(for: .milliseconds(20))
        #expect(calls.current == 0)
    }
}

@Suite struct PacerDriveTests {
    @Test func aDriveCallsItsStepOncePerIntervalUntilDone() async throws {
        let calls = Box<[ContinuousClock.Instant]>([])
        let start = ContinuousClock.now
        let answer = try await Pacer.shared.drive(every: .milliseconds(5)) {
            calls.update { $0.append(.now) }
            return calls.current.count < 20 ? .next : .done
        }
        #expect(answer == .done)
        #expect(calls.current.count == 20)
        // A fixed rate: the twentieth call comes no earlier than twenty intervals after the start.
        let last = try #require(calls.current.last)
        #expect(last - start >= .milliseconds(100) - Pacer.coalescing)
    }

    @Test func aStepThatNeedsTheTaskHandsItBack() async throws {
        let calls = Box(0)
        let answer = try await Pacer.shared.drive(every: .milliseconds(1)) {
            calls.update { $0 += 1 }
            return calls.current == 3 ? .needsTask : .next
        }
        #expect(answer == .needsTask)
        try await Task.sleep(for: .milliseconds(30))
        #expect(calls.current == 3)
    }

    @Test func cancellingADriveEndsItAndItsStepsStop() async throws {
        let calls = Box(0)
        let driver = Task {
            try await Pacer.shared.drive(every: .milliseconds(2)) {
                calls.update { $0 += 1 }
                return .next
            }
        }
        // Cancelled once it has stepped a few times (a loaded machine may take a while to get there).
        let deadline = ContinuousClock.now + .seconds(10)
        while calls.current < 3 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(2)) }
        driver.cancel()
        await #expect(throws: CancellationError.self) { try await driver.value }
        let atCancel = calls.current
        try await Task.sleep(for: .milliseconds(50))
        #expect(atCancel > 0)
        #expect(calls.current == atCancel)
    }

    @Test func aThousandDrivesRunSideBySide() async throws {
        let total = Box(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<1000 {
                group.addTask {
                    let mine = Box(0)
                    _ = try await Pacer.shared.drive(every: .milliseconds(1 + i % 10)) {
                        mine.update { $0 += 1 }
                        total.update { $0 += 1 }
                        return mine.current < 10 ? .next : .done
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(total.current == 10_000)
    }
}

/// A consumer that can stop taking events, as a client that stops reading does.
private final class ThrottledObserver: RunObserver, Sendable {
    let tokens = Mutex<[String]>([])
    let open = Mutex(true)
    /// Closes itself after this many tokens.
    let closeAfter: Int

    init(closeAfter: Int) { self.closeAfter = closeAfter }

    func runEvent(runId: String, seq: UInt64, event: RunEvent) {
        guard case .token(_, _, let text) = event else { return }
        take([text])
    }

    func runTokens(runId: String, firstSeq: UInt64, agent: String, stepId: String, texts: [String]) {
        take(texts)
    }

    private func take(_ texts: [String]) {
        let count = tokens.withLock { tokens in
            tokens += texts
            return tokens.count
        }
        if count >= closeAfter && count - texts.count < closeAfter { open.withLock { $0 = false } }
    }

    var hasCapacity: Bool { open.withLock { $0 } }

    func waitForCapacity() async {
        while !hasCapacity { try? await Task.sleep(for: .milliseconds(1)) }
    }
}

@Suite struct PacerPassTests {
    @Test func onlyStepsArePacingAndWorkDeferredToTheEndOfAPassRunsBeforeTheDriveReturns() async throws {
        #expect(!Pacer.shared.isPacing)
        let log = Box<[String]>([])
        let steps = Box(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for name in ["a", "b", "c"] {
                group.addTask {
                    let answer = try await Pacer.shared.drive(every: .milliseconds(2)) {
                        #expect(Pacer.shared.isPacing)
                        steps.update { $0 += 1 }
                        log.update { $0.append("step \(name)") }
                        Pacer.shared.afterThisPass { log.update { $0.append("after \(name)") } }
                        return .done
                    }
                    #expect(answer == .done)
                    // The deferred work ran before this drive was resumed.
                    #expect(log.current.contains("after \(name)"))
                }
            }
            try await group.waitForAll()
        }
        #expect(steps.current == 3)
        // Each deferred action comes after the step that asked for it.
        for name in ["a", "b", "c"] {
            let entries = log.current
            let step = try #require(entries.firstIndex(of: "step \(name)"))
            let after = try #require(entries.firstIndex(of: "after \(name)"))
            #expect(step < after)
        }
    }
}

@Suite struct PacedEchoTests {
    @Test func aPacedEchoStopsWhileTheConsumerIsBehindAndLosesNothing() async throws {
        let observer = ThrottledObserver(closeAfter: 10)
        let context = StepContext(run: RunContext(runId: "run_paced", observer: observer), stepId: "1", agent: "echo")
        let words = (1...40).map { "w\($0)" }.joined(separator: " ")
        let streaming = Task {
            try await EchoProvider(delayMs: 2).stream(ProviderRequest(input: words), context: context)
        }
        // Ten tokens, then nothing while the consumer takes nothing.
        while observer.tokens.withLock({ $0.count }) < 10 { try await Task.sleep(for: .milliseconds(2)) }
        try await Task.sleep(for: .milliseconds(100))
        #expect(observer.tokens.withLock { $0.count } == 10)
        // Open again: the rest follows, in order, and the stream ends.
        observer.open.withLock { $0 = true }
        try await streaming.value
        #expect(observer.tokens.withLock { $0.joined() } == words)
    }

    @Test func cancellingAPacedEchoEndsItAtOnce() async throws {
        let observer = ThrottledObserver(closeAfter: .max)
        let context = StepContext(run: RunContext(runId: "run_cancel", observer: observer), stepId: "1", agent: "echo")
        let streaming = Task {
            try await EchoProvider(delayMs: 5).stream(
                ProviderRequest(input: String(repeating: "word ", count: 10_000)),
                context: context
            )
        }
        while observer.tokens.withLock({ $0.count }) < 3 { try await Task.sleep(for: .milliseconds(2)) }
        streaming.cancel()
        await #expect(throws: CancellationError.self) { try await streaming.value }
        let atCancel = observer.tokens.withLock { $0.count }
        try await Task.sleep(for: .milliseconds(50))
        #expect(observer.tokens.withLock { $0.count } == atCancel)
    }
}
