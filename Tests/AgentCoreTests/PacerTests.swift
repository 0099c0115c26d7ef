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
    @Test func aSleepLastsAtLeastItsDurationLessTheCoalescingWindow() async throws {
        let start = ContinuousClock.now
        try await Pacer.shared.sleep(for: .milliseconds(30))
        #expect(ContinuousClock.now - start >= .milliseconds(30) - Pacer.coalescing)
    }

    @Test func sleepersWakeInDeadlineOrder() async throws {
        let order = Box<[Int]>([])
        await withTaskGroup(of: Void.self) { group in
            for delay in [600, 0, 300, 150, 450] {
                group.addTask {
                    try? await Pacer.shared.sleep(for: .milliseconds(delay))
                    order.update { $0.append(delay) }
                }
            }
        }
        #expect(order.current == [0, 150, 300, 450, 600])
    }

    @Test func cancellingASleeperEndsItAtOnceWithCancellationError() async throws {
        let sleeper = Task { try await Pacer.shared.sleep(for: .seconds(60)) }
        try await Task.sleep(for: .milliseconds(20))
        let start = ContinuousClock.now
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func aTaskCancelledBeforeItSleepsDoesNotSleep() async throws {
        let sleeper = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await Pacer.shared.sleep(for: .seconds(60))
        }
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }

    @Test func aThousandSleepersAllWake() async throws {
        let woken = Box(0)
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<1000 {
                group.addTask {
                    try? await Pacer.shared.sleep(for: .milliseconds(5 + i % 40))
                    woken.update { $0 += 1 }
                }
            }
        }
        #expect(woken.current == 1000)
    }
}
