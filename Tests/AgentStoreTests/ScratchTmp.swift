import AgentCore
import AgentStore
import Foundation
import Testing

@Suite struct ScratchTmp {
    @Test func messages() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scratch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: dir.appendingPathComponent("file"))
        do { _ = try SQLiteRunStore(path: dir.path + "/file/sub/db.sqlite") } catch { print("MSG1", error) }
        try Data(String(repeating: "garbage ", count: 200).utf8).write(to: dir.appendingPathComponent("bad.sqlite"))
        do { _ = try SQLiteRunStore(path: dir.path + "/bad.sqlite") } catch { print("MSG2", error) }
        let s = try SQLiteRunStore(path: dir.path + "/ok.sqlite")
        try s.insertRun(StoredRun(id: "r", kind: "agent", name: "a", input: ""))
        do { try s.insertRun(StoredRun(id: "r", kind: "agent", name: "a", input: "")) } catch { print("MSG3", error) }
        try s.close()
        do { _ = try s.run("r") } catch { print("MSG4", error) }
        let ro = try SQLiteRunStore(path: dir.path + "/ok.sqlite", readOnly: true)
        do { try ro.insertRun(StoredRun(id: "r2", kind: "agent", name: "a", input: "")) } catch { print("MSG5", error) }
        do { _ = try SQLiteRunStore(path: dir.path + "/none.sqlite", readOnly: true) } catch { print("MSG6", error) }
        do { _ = try SQLiteRunStore(path: dir.path) } catch { print("MSG7", error) }
        // concurrent fresh opens
        for i in 0..<100 {
            let p = dir.path + "/race\(i).sqlite"
            DispatchQueue.concurrentPerform(iterations: 4) { _ in
                let t0 = Date(); do { let s = try SQLiteRunStore(path: p); _ = try s.listRuns(RunQuery()) } catch { print("RACE", Date().timeIntervalSince(t0), error) }
            }
        }
        try? FileManager.default.removeItem(at: dir)
    }
}
