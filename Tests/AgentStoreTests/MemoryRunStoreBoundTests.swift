import AgentCore
import Foundation
import Testing

/// `--store memory` in a process that runs for days: only the last finished runs are kept.
@Suite struct MemoryRunStoreBoundTests {
    @Test func theRunsThatFinishedLongestAgoAreForgottenPastTheBound() throws {
        let store = MemoryRunStore(keptFinishedRuns: 3)
        // One run that never finishes, then six that do, each with events.
        try store.insertRun(makeRun("run_live"))
        for index in 1...6 {
            let id = "run_\(index)"
            try store.insertRun(makeRun(id, startedAt: base.addingTimeInterval(Double(index))))
            try store.appendEventBatches(makeBatches(id, batches: 2, eventsPerBatch: 5))
            try store.finishRun(id, outcome: RunOutcome(status: .completed, output: "out \(index)", outputTokens: 10))
        }
        // The three that finished last remain, events included; the running one is never dropped.
        for index in 1...3 { #expect(try store.run("run_\(index)") == nil) }
        for index in 4...6 {
            #expect(try store.run("run_\(index)")?.output == "out \(index)")
            #expect(try store.eventBatches(runId: "run_\(index)", afterSeq: 0, limit: 10).count == 2)
        }
        #expect(try store.run("run_live")?.status == .running)
        #expect(try store.listRuns(RunQuery()).runs.map(\.id) == ["run_6", "run_5", "run_4", "run_live"])
    }

    @Test func finishingARunTwiceOrDeletingOneDoesNotDropAnExtraRun() throws {
        let store = MemoryRunStore(keptFinishedRuns: 2)
        for index in 1...2 {
            try store.insertRun(makeRun("run_\(index)"))
            try store.finishRun("run_\(index)", outcome: RunOutcome(status: .completed, output: "", outputTokens: 0))
        }
        // A second finish of the same run (a late cancellation, say) counts once.
        try store.finishRun("run_2", outcome: RunOutcome(status: .cancelled, output: "", outputTokens: 0))
        #expect(try store.run("run_1") != nil)
        #expect(try store.run("run_2")?.status == .cancelled)
        // A deleted run leaves room: the next finish drops nothing that is still there but the oldest.
        #expect(try store.deleteRun("run_2"))
        try store.insertRun(makeRun("run_3"))
        try store.finishRun("run_3", outcome: RunOutcome(status: .failed, output: "", outputTokens: 0))
        #expect(try store.run("run_1") != nil)
        #expect(try store.run("run_3")?.status == .failed)
    }

    @Test func thousandsOfRunsLeaveOnlyTheBound() throws {
        let store = MemoryRunStore(keptFinishedRuns: 100)
        for index in 0..<5_000 {
            let id = "run_\(index)"
            try store.insertRun(makeRun(id, startedAt: base.addingTimeInterval(Double(index))))
            try store.finishRun(id, outcome: RunOutcome(status: .completed, output: "", outputTokens: 0))
        }
        var seen = 0
        var cursor: String? = nil
        repeat {
            let page = try store.listRuns(RunQuery(limit: 500, cursor: cursor))
            seen += page.runs.count
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen == 100)
        #expect(try store.run("run_4999") != nil)
        #expect(try store.run("run_4899") == nil)
    }
}
