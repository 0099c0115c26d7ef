import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A client that stops reading: one echo run whose output is many times the server's outbound queue cap.
struct SlowClientFigures {
    var words: Int
    var maxQueuedBytes: Int
    var stallSeconds: Double
    /// VmRSS before the request was sent.
    var baselineRSS: Int
    /// The highest VmRSS sampled (every 10 ms) from the request to the response.
    var peakStalledRSS: Int
    /// The same run on a fresh server read as it streams: its VmRSS before the request and its peak.
    var promptBaselineRSS: Int
    var promptPeakRSS: Int
    /// Bytes waiting in the stdout pipe when reading resumed.
    var pipeBytes: Int
    /// Everything read once reading resumed, and how long it took.
    var bytesReceived: Int
    var tokens: Int
    var drainSeconds: Double

    var growth: Int { peakStalledRSS - baselineRSS }
    var promptGrowth: Int { promptPeakRSS - promptBaselineRSS }
    /// What not reading costs over reading along: the run itself (its request, input and output) costs both.
    var stallCost: Int { growth - promptGrowth }
    /// The stalled run is paused, not buffered: not reading costs at most the queue cap.
    var meetsTarget: Bool { stallCost <= maxQueuedBytes }
}

/// Sends one echo run, does not read stdout for a while (sampling the server's VmRSS), then reads and
/// verifies every token as the token phase does; then the same run on a fresh server, read as it streams.
enum SlowClientPhase {
    static func measure(
        binary: String,
        words: Int,
        maxQueuedBytes: Int,
        stallSeconds: Double,
        timeout: Double
    ) throws(BenchError) -> SlowClientFigures {
        var stalled = try once(
            binary: binary,
            words: words,
            maxQueuedBytes: maxQueuedBytes,
            stallSeconds: stallSeconds,
            timeout: timeout
        )
        let prompt = try once(
            binary: binary,
            words: words,
            maxQueuedBytes: maxQueuedBytes,
            stallSeconds: 0,
            timeout: timeout
        )
        stalled.promptBaselineRSS = prompt.baselineRSS
        stalled.promptPeakRSS = prompt.peakStalledRSS
        return stalled
    }

    private static func once(
        binary: String,
        words: Int,
        maxQueuedBytes: Int,
        stallSeconds: Double,
        timeout: Double
    ) throws(BenchError) -> SlowClientFigures {
        let arguments = ServerProcess.memoryStore + ["--max-queued-bytes", String(maxQueuedBytes)]
        let session = try Session(binary: binary, timeout: timeout + stallSeconds, arguments: arguments)
        guard session.reader.pending.isEmpty else { throw BenchError("unexpected output after initialize") }
        let pid = session.server.pid
        let runId = 1
        let (request, inputBytes) = Wire.runRequest(id: runId, words: words)
        usleep(200_000)
        guard let baseline = ProcStats.residentBytes(pid) else {
            throw BenchError("cannot read VmRSS of the server from /proc/\(pid)/status")
        }
        let buffer = ChunkBuffer()
        var tally = TokenTally()
        defer { tally.deallocate() }
        var bytesReceived = 0

        let peak = Locked(baseline)
        let sampling = Locked(true)
        let sampled = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            while sampling.withLock({ $0 }) {
                if let rss = ProcStats.residentBytes(pid) { peak.withLock { $0 = max($0, rss) } }
                usleep(10_000)
            }
            sampled.signal()
        }
        let writer = BackgroundWriter(fd: session.server.inputFD, bytes: request)
        if stallSeconds > 0 { usleep(useconds_t(stallSeconds * 1e6)) }
        var pending: Int32 = 0
        _ = ioctl(session.server.outputFD, UInt(FIONREAD), &pending)
        let drainStart = now()
        let drainEnd = try session.measure { () throws(BenchError) -> UInt64 in
            var splitter = LineSplitter()
            var more = true
            while more {
                let chunk = try writer.readOrStop(buffer, from: session.server)
                tally.chunkTime = now()
                bytesReceived += chunk.count
                more = splitter.feed(chunk) { tally.take($0) }
            }
            if let problem = tally.problem {
                writer.stop(session.server)
                throw problem
            }
            _ = try writer.wait()
            return tally.responseTime
        }
        sampling.withLock { $0 = false }
        sampled.wait()
        _ = try session.finish()
        _ = try tally.verify(words: words, inputBytes: inputBytes, id: runId)
        return SlowClientFigures(
            words: words,
            maxQueuedBytes: maxQueuedBytes,
            stallSeconds: stallSeconds,
            baselineRSS: baseline,
            peakStalledRSS: peak.withLock { $0 },
            promptBaselineRSS: 0,
            promptPeakRSS: 0,
            pipeBytes: Int(pending),
            bytesReceived: bytesReceived,
            tokens: tally.tokens,
            drainSeconds: Double(drainEnd - drainStart) / 1e9
        )
    }
}
