#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The run store's cost on the token path: the token phase on a server with `--store memory` and on one with
/// a SQLite file (every event written, in batches, while the run streams), alternately; medians compared.
enum StorePhase {
    static func measure(
        binary: String,
        words: Int,
        reps: Int,
        countOnly: Bool,
        timeout: Double
    ) throws(BenchError) -> StoreFigures {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var memory: [TokenFigures] = []
        var sqlite: [TokenFigures] = []
        var storeBytes: [Int] = []
        for rep in 0..<reps {
            // Each repetition on a new file; which store goes first alternates, to spread any drift.
            let path = directory.path + "/runs-\(rep).sqlite"
            func memoryRun() throws(BenchError) {
                memory.append(
                    try TokenPhase.measure(
                        binary: binary,
                        words: words,
                        countOnly: countOnly,
                        timeout: timeout,
                        serverArguments: ServerProcess.memoryStore
                    )
                )
            }
            func sqliteRun() throws(BenchError) {
                sqlite.append(
                    try TokenPhase.measure(
                        binary: binary,
                        words: words,
                        countOnly: countOnly,
                        timeout: timeout,
                        serverArguments: ["--store", path, "--retain-days", "0"]
                    )
                )
                storeBytes.append(TemporaryDirectory.sizeOfStore(at: path))
                TemporaryDirectory.removeStore(at: path)
            }
            if rep % 2 == 0 {
                try memoryRun()
                try sqliteRun()
            } else {
                try sqliteRun()
                try memoryRun()
            }
        }
        return StoreFigures(words: words, memory: memory, sqlite: sqlite, storeBytes: storeBytes)
    }
}

/// The token phase measured with each store.
struct StoreFigures {
    var words: Int
    var memory: [TokenFigures]
    var sqlite: [TokenFigures]
    /// The SQLite file and its write-ahead log after each run's server exited, in bytes.
    var storeBytes: [Int]

    var memoryTokensPerSecond: Summary { Summary(memory.map(\.tokensPerSecond)) }
    var sqliteTokensPerSecond: Summary { Summary(sqlite.map(\.tokensPerSecond)) }
    var memoryServerCPUSeconds: Summary { Summary(memory.map(\.cost.serverCPUSeconds)) }
    var sqliteServerCPUSeconds: Summary { Summary(sqlite.map(\.cost.serverCPUSeconds)) }

    /// How much slower the token phase is with the SQLite store, in percent of its speed with the memory
    /// store (medians; negative when it came out faster).
    var costPercent: Double { (1 - sqliteTokensPerSecond.median / memoryTokensPerSecond.median) * 100 }
    /// The server CPU the SQLite store adds, in percent (medians).
    var serverCPUCostPercent: Double {
        (sqliteServerCPUSeconds.median / memoryServerCPUSeconds.median - 1) * 100
    }
    var meetsTarget: Bool { costPercent < Targets.storeCostPercent }
}

/// A directory of its own under `$TMPDIR` (or /tmp) for the phase's store files.
struct TemporaryDirectory {
    let path: String

    init() throws(BenchError) {
        var base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        var template = Array((base + "/agentwire-bench-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw .errno("cannot create a temporary directory in \(base)")
        }
        path = String(cString: made)
    }

    /// Removes the directory (the phase removes the files it made first).
    func remove() {
        rmdir(path)
    }

    /// The files SQLite keeps for a store.
    static func storeFiles(at path: String) -> [String] { [path, path + "-wal", path + "-shm"] }

    static func sizeOfStore(at path: String) -> Int {
        storeFiles(at: path).dropLast().reduce(0) { total, file in
            var info = stat()
            return stat(file, &info) == 0 ? total + Int(info.st_size) : total
        }
    }

    static func removeStore(at path: String) {
        for file in storeFiles(at: path) { unlink(file) }
    }
}
