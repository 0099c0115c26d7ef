import Dispatch
import JSONCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Many slow echo streams through one connection, as an editor with many panes would hold them.
struct StreamsFigures {
    var streams: Int
    /// Words (tokens) of each run once the first, staggered runs have ended.
    var runWords: Int
    var delayMs: Int
    var warmupSeconds: Double
    /// The measured window, from the first to the last sample.
    var windowSeconds: Double
    /// `run/token` lines read in the window.
    var tokens: Int
    /// Server CPU (utime + stime) in the window.
    var serverCPUSeconds: Double
    /// Each token's gap to the previous token of its run, minus the provider's delay, in µs.
    var addedUs: LatencyHistogram
    /// `Task.sleep` of the same delay in the bench itself, as many sleepers at once, minus the delay, in µs.
    var sleepOvershootUs: LatencyHistogram
    /// Server VmRSS once a second, from the end of warm-up to the end of the window.
    var rss: [Int]
    /// The heap-and-stacks part of each sample (`RssAnon`); the rest is mapped files, such as SQLite's.
    var anonymousRSS: [Int]
    /// Runs answered in the window and in the whole phase.
    var runsInWindow: Int
    var runsCompleted: Int
    var store: String

    var cpuPercent: Double { serverCPUSeconds / windowSeconds * 100 }
    var tokensPerSecond: Double { Double(tokens) / windowSeconds }
    var rssAfterWarmup: Int { rss.first ?? 0 }
    var rssEnd: Int { rss.last ?? 0 }
    var rssMax: Int { rss.max() ?? 0 }
    var rssChangePercent: Double { Double(rssEnd - rssAfterWarmup) / Double(max(rssAfterWarmup, 1)) * 100 }
    var rssFlat: Bool { abs(rssChangePercent) <= Targets.rssFlatPercent }
    var addedP99Ms: Double { addedUs.percentile(99) / 1000 }
    var meetsCPU: Bool { cpuPercent < Targets.streamsCPUPercent }
    var meetsLatency: Bool { addedP99Ms < Targets.addedLatencyP99Ms }
}

/// N concurrent runs of an echo agent with a per-token delay (100 tokens/s at 10 ms) through one connection,
/// with a SQLite store in a temporary directory (the store a user runs with; `--store memory` keeps every
/// event and would grow by design). Runs have `runWords` words; the first ones are staggered (slot i gets
/// i/N of that) so runs end at different times, and every run that ends is started again, so N stay active.
/// After a warm-up, the server's VmRSS and CPU time are sampled once a second from /proc for the window.
enum StreamsPhase {
    /// The agent the config file defines (its name is also written into each request).
    static let agent = "stream"
    static let tokenPrefix = StaticBytes(#"{"jsonrpc":"2.0","method":"run/token","params":{"runId":""#)

    private struct Slot {
        var requestId = 0
        var runId: String?
        var words = 0
        var tokens = 0
        var lastTokenAt: UInt64 = 0
        /// One of the staggered runs the phase starts with.
        var first = false
    }

    private struct Sample {
        var at: UInt64
        var rss: Int
        var anonymous: Int
        var cpu: Double
    }

    static func measure(
        binary: String,
        streams: Int,
        delayMs: Int,
        runSeconds: Double,
        warmupSeconds: Double,
        seconds: Double,
        timeout: Double
    ) throws(BenchError) -> StreamsFigures {
        let baseline = sleepOvershoot(sleepers: streams, delayMs: delayMs, seconds: 2)
        let directory = try TemporaryDirectory()
        let configPath = directory.path + "/streams.json"
        let storePath = directory.path + "/streams.sqlite"
        defer {
            unlink(configPath)
            TemporaryDirectory.removeStore(at: storePath)
            directory.remove()
        }
        let config =
            #"{"agents":{"\#(agent)":{"provider":{"type":"echo","delayMs":\#(delayMs)}}},"#
            + #""limits":{"maxConcurrentRuns":\#(streams + 64)}}"#
        try ServerProcess.writeFile(configPath, Array(config.utf8))
        let session = try Session(
            binary: binary,
            timeout: warmupSeconds + seconds + timeout,
            arguments: ["--config", configPath, "--store", storePath]
        )
        guard session.reader.pending.isEmpty else { throw BenchError("unexpected output after initialize") }
        let pid = session.server.pid
        let runWords = max(1, Int(runSeconds * 1000 / Double(max(delayMs, 1))))
        let fullInput = input(words: runWords)

        // Requests go out on a queue of their own, so the reader never blocks on the server's stdin.
        let writerQueue = DispatchQueue(label: "streams-writer")
        let writerState = WriterState()
        let inputFD = session.server.inputFD
        var nextRequest = 1
        var slots = [Slot](repeating: Slot(), count: streams)
        var slotOfRequest: [Int: Int] = [:]
        var slotOfRun: [String: Int] = [:]
        func start(_ slot: Int, words: Int, first: Bool = false) {
            let id = nextRequest
            nextRequest += 1
            var bytes: [UInt8] = []
            ByteWriter.appendRaw(#"{"jsonrpc":"2.0","id":"#, to: &bytes)
            ByteWriter.appendInteger(id, to: &bytes)
            ByteWriter.appendRaw(#","method":"agent/run","params":{"agent":"stream","input":""#, to: &bytes)
            if words == runWords {
                bytes.append(contentsOf: fullInput)
            } else {
                bytes.append(contentsOf: input(words: words))
            }
            ByteWriter.appendRaw(#""}}"#, to: &bytes)
            bytes.append(Wire.newline)
            slots[slot] = Slot(requestId: id, runId: nil, words: words, first: first)
            slotOfRequest[id] = slot
            let request = bytes
            writerQueue.async {
                guard !writerState.stopped.load(ordering: .relaxed) else { return }
                if let code = request.withUnsafeBytes({ ServerProcess.writeAll(fd: inputFD, $0) }) {
                    writerState.errorCode.store(code, ordering: .relaxed)
                    writerState.stopped.store(true, ordering: .relaxed)
                }
            }
        }

        let phaseStart = now()
        let warmupEnd = phaseStart + UInt64(warmupSeconds * 1e9)
        let sampleCount = max(1, Int(seconds.rounded(.up)))
        // The window opens once the warm-up has passed and every first (staggered) run has ended, so every
        // run measured is a full-length one started by the bench in answer to another one ending.
        var windowStart = UInt64.max
        var windowEnd = UInt64.max
        var firstRunsLeft = streams
        let samples = Locked<[Sample]>([])
        let sampled = DispatchSemaphore(value: 0)
        let samplingStopped = Locked(false)
        func startSampling(at start: UInt64) {
            DispatchQueue.global().async {
                for i in 0...sampleCount {
                    if i > 0 && samplingStopped.withLock({ $0 }) { break }
                    let at = start + UInt64(i) * 1_000_000_000
                    let current = now()
                    if at > current { usleep(useconds_t((at - current) / 1000)) }
                    let sample = Sample(
                        at: now(),
                        rss: ProcStats.residentBytes(pid) ?? 0,
                        anonymous: ProcStats.anonymousBytes(pid) ?? 0,
                        cpu: ProcStats.cpuSeconds(pid) ?? 0
                    )
                    samples.withLock { $0.append(sample) }
                }
                sampled.signal()
            }
        }

        for slot in 0..<streams { start(slot, words: max(1, runWords * (slot + 1) / streams), first: true) }

        let prefix = tokenPrefix.buffer
        var added = LatencyHistogram()
        var tokensInWindow = 0
        var runsInWindow = 0
        var runsCompleted = 0
        var problem: BenchError?
        var chunkTime: UInt64 = 0
        let buffer = ChunkBuffer()
        var splitter = LineSplitter()

        func take(_ line: UnsafeRawBufferPointer) -> Bool {
            let inWindow = chunkTime >= windowStart && chunkTime <= windowEnd
            if hasPrefix(line, prefix) {
                let idStart = line.baseAddress! + prefix.count
                guard let quote = memchr(idStart, Int32(UInt8(ascii: "\"")), line.count - prefix.count) else {
                    problem = BenchError(
                        "a run/token line without a runId: \(String(decoding: line.prefix(200), as: UTF8.self))"
                    )
                    return false
                }
                let runId = String(
                    decoding: UnsafeRawBufferPointer(
                        start: idStart,
                        count: idStart.distance(to: UnsafeRawPointer(quote))
                    ),
                    as: UTF8.self
                )
                guard let slot = slotOfRun[runId] else {
                    problem = BenchError("a run/token for run \(runId), which has not started")
                    return false
                }
                if inWindow {
                    tokensInWindow += 1
                    if slots[slot].tokens > 0 {
                        let gapUs = Double(chunkTime - slots[slot].lastTokenAt) / 1000
                        added.add(gapUs - Double(delayMs) * 1000)
                    }
                }
                slots[slot].tokens += 1
                slots[slot].lastTokenAt = chunkTime
                return true
            }
            let message: JSONValue
            do throws(BenchError) {
                message = try Wire.parse(line)
            } catch {
                problem = error
                return false
            }
            if let method = message["method"]?.stringValue {
                if method == "run/started", let params = message["params"],
                    let requestId = params["requestId"]?.integerValue, let runId = params["runId"]?.stringValue,
                    let slot = slotOfRequest[Int(requestId)]
                {
                    slots[slot].runId = runId
                    slotOfRun[runId] = slot
                }
                return true
            }
            guard let id = message["id"]?.integerValue, let slot = slotOfRequest.removeValue(forKey: Int(id)) else {
                problem = BenchError("an unexpected message: \(String(message.jsonString.prefix(300)))")
                return false
            }
            let run = slots[slot]
            if let runId = run.runId { slotOfRun[runId] = nil }
            guard let result = message["result"] else {
                problem = BenchError(
                    "agent/run failed: \(String((message["error"] ?? message).jsonString.prefix(300)))"
                )
                return false
            }
            let outputTokens = result["usage"]?["outputTokens"]?.integerValue
            guard result["stopReason"]?.stringValue == "end_turn", outputTokens == Int64(run.words),
                run.tokens == run.words
            else {
                problem = BenchError(
                    "a run of \(run.words) words ended with \(run.tokens) run/token lines: \(String(result.jsonString.prefix(300)))"
                )
                return false
            }
            runsCompleted += 1
            if run.first { firstRunsLeft -= 1 }
            if inWindow { runsInWindow += 1 }
            start(slot, words: runWords)
            return true
        }

        try session.measure { () throws(BenchError) in
            var more = true
            while more && now() < windowEnd {
                let chunk = try buffer.read(from: session.server.outputFD)
                chunkTime = now()
                more = splitter.feed(chunk, take)
                if windowStart == .max && firstRunsLeft == 0 && chunkTime >= warmupEnd {
                    windowStart = chunkTime
                    windowEnd = windowStart + UInt64(sampleCount) * 1_000_000_000
                    startSampling(at: windowStart)
                }
            }
        }
        if windowStart != .max {
            // Ended early (a wrong answer): stop the sampler at its next tick rather than after the window.
            if problem != nil { samplingStopped.withLock { $0 = true } }
            sampled.wait()
        }
        writerState.stopped.store(true, ordering: .relaxed)
        writerQueue.sync {}
        // SIGTERM cancels the runs in flight (each is answered and stored); read until the server closes stdout.
        kill(pid, SIGTERM)
        while true {
            let n = Glibc.read(session.server.outputFD, buffer.storage.baseAddress, buffer.storage.count)
            if n == 0 || (n < 0 && errno != EINTR) { break }
        }
        _ = try session.finish()
        if let problem { throw problem }
        let code = writerState.errorCode.load(ordering: .relaxed)
        if code != 0 { throw .errno("write to server", code) }

        let window = samples.withLock { $0 }
        guard let first = window.first, let last = window.last, last.at > first.at else {
            throw BenchError("no samples of the server's /proc entries")
        }
        return StreamsFigures(
            streams: streams,
            runWords: runWords,
            delayMs: delayMs,
            warmupSeconds: Double(windowStart - phaseStart) / 1e9,
            windowSeconds: Double(last.at - first.at) / 1e9,
            tokens: tokensInWindow,
            serverCPUSeconds: last.cpu - first.cpu,
            addedUs: added,
            sleepOvershootUs: baseline,
            rss: window.map(\.rss),
            anonymousRSS: window.map(\.anonymous),
            runsInWindow: runsInWindow,
            runsCompleted: runsCompleted,
            store: "SQLite file"
        )
    }

    /// "w1 w2 … wN", JSON-escaped already (nothing to escape).
    private static func input(words: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(words * 7)
        for i in 1...max(words, 1) {
            if i > 1 { bytes.append(UInt8(ascii: " ")) }
            bytes.append(UInt8(ascii: "w"))
            ByteWriter.appendInteger(i, to: &bytes)
        }
        return bytes
    }

    /// How late `Task.sleep` of `delayMs` wakes in this process with `sleepers` tasks sleeping at once: the
    /// part of a token's gap that is the timer, not the wire.
    static func sleepOvershoot(sleepers: Int, delayMs: Int, seconds: Double) -> LatencyHistogram {
        let result = Locked(LatencyHistogram())
        let done = DispatchSemaphore(value: 0)
        let deadline = now() + UInt64(seconds * 1e9)
        let delayUs = Double(delayMs) * 1000
        Task.detached {
            await withTaskGroup(of: [Double].self) { group in
                for _ in 0..<sleepers {
                    group.addTask {
                        var samples: [Double] = []
                        while now() < deadline {
                            let before = now()
                            try? await Task.sleep(for: .milliseconds(delayMs))
                            samples.append(Double(now() - before) / 1000 - delayUs)
                        }
                        return samples
                    }
                }
                for await samples in group {
                    result.withLock { histogram in
                        for sample in samples { histogram.add(sample) }
                    }
                }
            }
            done.signal()
        }
        done.wait()
        return result.withLock { $0 }
    }
}

/// Whether the request writer should stop, and why it stopped on its own.
private final class WriterState: Sendable {
    let stopped = Atomic<Bool>(false)
    let errorCode = Atomic<Int32>(0)
}

/// A value behind a lock that escaping closures can share.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<R>(_ body: (inout sending Value) -> sending R) -> sending R { mutex.withLock(body) }
}
