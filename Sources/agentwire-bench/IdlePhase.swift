#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Resident memory of fresh servers after `initialize` and a ping.
struct IdleFigures {
    /// VmRSS of each server with `--store memory`, in bytes.
    var memoryStore: [Int]
    /// VmRSS of each server with a SQLite store file in a temporary directory, in bytes.
    var sqliteStore: [Int]
    var settleSeconds: Double

    var median: Double { Summary(memoryStore.map(Double.init)).median }
    var sqliteMedian: Double { Summary(sqliteStore.map(Double.init)).median }
    var meetsTarget: Bool { median < Double(Targets.idleRSSBytes) }
}

/// Idle memory: a fresh server answers `initialize` and one `ping`, is left alone for a second, and its
/// VmRSS is read from /proc. Servers with `--store memory` and with a SQLite file alternate.
enum IdlePhase {
    static let settleSeconds = 1.0

    static func measure(binary: String, servers: Int, timeout: Double) throws(BenchError) -> IdleFigures {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var memory: [Int] = []
        var sqlite: [Int] = []
        for i in 0..<servers {
            memory.append(try once(binary: binary, timeout: timeout, arguments: ServerProcess.memoryStore))
            let path = directory.path + "/idle-\(i).sqlite"
            defer { TemporaryDirectory.removeStore(at: path) }
            sqlite.append(try once(binary: binary, timeout: timeout, arguments: ["--store", path]))
        }
        return IdleFigures(memoryStore: memory, sqliteStore: sqlite, settleSeconds: settleSeconds)
    }

    private static func once(binary: String, timeout: Double, arguments: [String]) throws(BenchError) -> Int {
        let session = try Session(binary: binary, timeout: timeout, arguments: arguments)
        let rss = try session.measure { () throws(BenchError) -> Int in
            var ping: [UInt8] = []
            Wire.appendPing(id: 1, to: &ping)
            try session.server.write(ping)
            guard let line = try session.reader.nextLine() else {
                throw BenchError("the server closed stdout before answering ping")
            }
            let reply = try Wire.parse(line)
            guard reply["result"] != nil else { throw BenchError("ping failed: \(reply.jsonString)") }
            usleep(useconds_t(settleSeconds * 1_000_000))
            guard let rss = ProcStats.residentBytes(session.server.pid) else {
                throw BenchError("cannot read VmRSS of the server from /proc/\(session.server.pid)/status")
            }
            return rss
        }
        _ = try session.finish()
        return rss
    }
}
