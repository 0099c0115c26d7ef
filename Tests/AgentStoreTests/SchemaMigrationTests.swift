import AgentCore
import Foundation
import GRDB
import Testing

@testable import AgentStore

/// A store written by an earlier version opens with everything in it.
@Suite struct SchemaMigrationTests {
    @Test func runsOfTheFirstSchemaKeepTheirInputAndOutput() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agentwire-v1-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("runs.sqlite").path

        // The file as version 1 left it: input and output in the runs row.
        let queue = try DatabaseQueue(path: path)
        try SQLiteRunStore.migrator.migrate(queue, upTo: "v1")
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO runs (id, kind, name, agent, input, status, output, output_tokens, started_at,
                        ended_at, owner_pid, owner_instance)
                    VALUES ('old-done', 'agent', 'echo', 'echo', 'old input', 'completed', 'old output', 2, 1, 2,
                        1, 'x'),
                        ('old-running', 'agent', 'echo', 'echo', 'still going', 'running', NULL, 0, 3, NULL,
                        1, 'x')
                    """
            )
        }
        try queue.close()

        let store = try SQLiteRunStore(path: path)
        let done = try #require(try store.run("old-done"))
        #expect(done.input == "old input")
        #expect(done.output == "old output")
        #expect(done.status == .completed)
        let running = try #require(try store.run("old-running"))
        #expect(running.input == "still going")
        #expect(running.output == nil)

        try store.finishRun("old-running", outcome: RunOutcome(status: .completed, output: "finally", outputTokens: 1))
        #expect(try store.run("old-running")?.output == "finally")
        #expect(try store.listRuns(RunQuery()).runs.map(\.input) == ["still going", "old input"])
    }

    @Test func sessionTurnsKeptBeforeUsageReadBackWithout() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agentwire-v4-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("runs.sqlite").path

        // The file as version 4 left it: turns without usage.
        let queue = try DatabaseQueue(path: path)
        try SQLiteRunStore.migrator.migrate(queue, upTo: "v4")
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO sessions (id, agent, created_at) VALUES ('ses_old', 'echo', 1);
                    INSERT INTO turns (session_id, idx, input, output) VALUES ('ses_old', 0, 'hi', 'hi');
                    """
            )
        }
        try queue.close()

        let store = try SQLiteRunStore(path: path)
        #expect(try store.session("ses_old")?.turns == [Turn(input: "hi", output: "hi")])
        let usage = Usage(outputTokens: 2, reported: false)
        try store.appendTurn(sessionId: "ses_old", turn: Turn(input: "again", output: "hi again", usage: usage))
        #expect(try store.session("ses_old")?.turns.map(\.usage) == [nil, usage])
    }
}
