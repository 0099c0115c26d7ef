import AgentCore
import AgentStore
import Foundation
import Testing

/// ``RunStore/write(_:)``: how the service writes, new runs, events and outcomes at once.
@Suite struct RunChangesTests {
    @Test(arguments: StoreKind.allCases) func aRunThatStartsAndEndsInOneWriteReadsBackEnded(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let run = makeRun("short")
        let outcome = RunOutcome(
            status: .completed,
            output: "done",
            outputTokens: 3,
            endedAt: base.addingTimeInterval(1)
        )
        try fixture.store.write(
            RunChanges(
                runs: [run],
                eventBatches: makeBatches("short", batches: 2, eventsPerBatch: 3),
                outcomes: [("short", outcome)]
            )
        )
        var expected = run
        expected.apply(outcome)
        let store = try fixture.reopen()
        #expect(try store.run("short") == expected)
        #expect(try store.eventBatches(runId: "short", afterSeq: 0, limit: 10).map(\.lastSeq) == [3, 6])
    }

    @Test(arguments: StoreKind.allCases) func aRunWrittenAcrossWritesKeepsItsInputEventsAndOutcome(
        kind: StoreKind
    )
        throws
    {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        var long = makeRun("long")
        long.input = String(repeating: "a long input ", count: 50_000)
        try store.write(RunChanges(runs: [long], eventBatches: makeBatches("long", batches: 1, eventsPerBatch: 4)))
        #expect(try store.run("long")?.status == .running)
        #expect(try store.run("long")?.output == nil)

        let output = String(repeating: "a long output ", count: 50_000)
        let outcome = RunOutcome(status: .cancelled, output: output, outputTokens: 100_000, endedAt: base)
        try store.write(
            RunChanges(
                runs: [makeRun("other")],
                eventBatches: makeBatches("long", batches: 1, eventsPerBatch: 4, from: 5),
                outcomes: [("long", outcome)]
            )
        )
        var expected = long
        expected.apply(outcome)
        let reopened = try fixture.reopen()
        #expect(try reopened.run("long") == expected)
        #expect(try reopened.run("other")?.status == .running)
        #expect(try reopened.eventBatches(runId: "long", afterSeq: 0, limit: 10).map(\.lastSeq) == [4, 8])
        #expect(try reopened.listRuns(RunQuery(status: .cancelled)).runs == [expected])
    }

    @Test(arguments: StoreKind.allCases) func deletingARunRemovesItsInputAndOutput(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let outcome = RunOutcome(status: .completed, output: "out", outputTokens: 1)
        try store.write(RunChanges(runs: [makeRun("gone")], outcomes: [("gone", outcome)]))
        #expect(try store.deleteRun("gone"))
        // The same id again starts from nothing: no output of the deleted run shows through.
        try store.insertRun(makeRun("gone"))
        #expect(try store.run("gone")?.output == nil)
        #expect(try store.run("gone")?.input == "input of gone")
    }
}
