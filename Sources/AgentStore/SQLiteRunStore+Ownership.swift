import AgentCore
import Foundation
import GRDB

/// Which process runs what: cancellation across processes, and runs whose process died.
extension SQLiteRunStore {
    public func requestCancel(_ runId: String) throws(StoreError) {
        try write("request the cancellation of run '\(runId)'") { db in
            try db.execute(
                sql: "UPDATE runs SET cancel_requested = 1 WHERE id = ? AND status = 'running'",
                arguments: [runId]
            )
        }
    }

    public func cancelRequests(owner: RunOwner) throws(StoreError) -> [String] {
        try read("read cancellation requests") { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT id FROM runs
                    WHERE status = 'running' AND cancel_requested = 1 AND owner_pid = ? AND owner_instance = ?
                    ORDER BY started_at, id
                    """,
                arguments: [owner.pid, owner.instance]
            )
        }
    }

    public func markInterrupted(isAlive: (RunOwner) -> Bool) throws(StoreError) -> [String] {
        // `isAlive` runs outside any transaction: it is the caller's code, and may be slow.
        let owners = try read("read the owners of running runs") { db in
            try Row.fetchAll(db, sql: "SELECT DISTINCT owner_pid, owner_instance FROM runs WHERE status = 'running'")
                .map { row in
                    RunOwner(
                        pid: try row.decode(forColumn: "owner_pid"),
                        instance: try row.decode(forColumn: "owner_instance")
                    )
                }
        }
        let dead = owners.filter { !isAlive($0) }
        guard !dead.isEmpty else { return [] }
        let now = Date().storeSeconds
        return try write("mark runs interrupted") { db in
            var ids: [String] = []
            for owner in dead {
                // Still running now: a run that finished meanwhile keeps its outcome.
                let running = "status = 'running' AND owner_pid = ? AND owner_instance = ?"
                let arguments: StatementArguments = [owner.pid, owner.instance]
                ids += try String.fetchAll(db, sql: "SELECT id FROM runs WHERE \(running)", arguments: arguments)
                try db.execute(
                    sql: "UPDATE runs SET status = 'interrupted', ended_at = ? WHERE \(running)",
                    arguments: [now] + arguments
                )
            }
            return ids
        }
    }
}
