import JSONCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Coordinator overhead: one `coordinator/parallel` run of N echo branches (tokens off), on a fresh server
/// per repetition. The client reads and counts the `run/step` and `run/progress` lines that stream before
/// the response; the response is checked after the clock stops.
enum WorkflowPhase {
    /// The workflow input: ten words, so each echo branch streams ten tokens (not sent: tokens are off).
    static let input = "the quick brown fox jumps over the lazy dog at dawn"

    static let stepPrefix = StaticBytes(#"{"jsonrpc":"2.0","method":"run/step","#)
    static let progressPrefix = StaticBytes(#"{"jsonrpc":"2.0","method":"run/progress","#)
    /// Inside a `run/step` line: a branch (not the workflow step itself), and one that is starting.
    static let branchMarker = StaticBytes(#""parentStepId":"1""#)
    static let startedMarker = StaticBytes(#""status":"started""#)

    static func measure(binary: String, branches: Int, reps: Int, timeout: Double) throws(BenchError) -> WorkflowFigures
    {
        var samples: [WorkflowRep] = []
        for _ in 0..<reps {
            samples.append(try once(binary: binary, branches: branches, timeout: timeout))
        }
        return WorkflowFigures(branches: branches, reps: samples)
    }

    /// `{"jsonrpc":"2.0","id":ID,"method":"coordinator/parallel","params":{"tasks":[{"agent":"echo"},…],…}}` and a newline.
    static func request(id: Int, branches: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(branches * 17 + 256)
        ByteWriter.appendRaw(#"{"jsonrpc":"2.0","id":"#, to: &bytes)
        ByteWriter.appendInteger(id, to: &bytes)
        ByteWriter.appendRaw(#","method":"coordinator/parallel","params":{"tasks":["#, to: &bytes)
        for i in 0..<branches {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            ByteWriter.appendRaw(#"{"agent":"echo"}"#, to: &bytes)
        }
        ByteWriter.appendRaw(#"],"input":"#, to: &bytes)
        ByteWriter.appendString(input, to: &bytes)
        ByteWriter.appendRaw(#","stream":{"tokens":false}}}"#, to: &bytes)
        bytes.append(Wire.newline)
        return bytes
    }

    private static func once(binary: String, branches: Int, timeout: Double) throws(BenchError) -> WorkflowRep {
        let session = try Session(binary: binary, timeout: timeout, arguments: ServerProcess.memoryStore)
        let reader = session.reader
        let runId = 1
        let request = request(id: runId, branches: branches)
        guard reader.pending.isEmpty else { throw BenchError("unexpected output after initialize") }
        let stepPrefix = Self.stepPrefix.buffer
        let progressPrefix = Self.progressPrefix.buffer
        let notificationPrefix = TokenPhase.notificationPrefix.buffer
        let branchMarker = Self.branchMarker.buffer
        let startedMarker = Self.startedMarker.buffer
        var counts = NotificationCounts()
        var timeline = WorkflowTimeline()
        var startedAt: UInt64 = 0
        var lastNotificationAt: UInt64 = 0
        var responseAt: UInt64 = 0
        var response: [UInt8] = []
        let bytesBefore = reader.bytesRead

        let cpuStart = processCPUSeconds()
        // The request (17 bytes a branch) is written whole before anything is read: the server answers
        // nothing until it has read all of it, so this cannot deadlock on a full stdout pipe.
        let start = now()
        try session.measure { () throws(BenchError) in
            try session.server.write(request)
            var more = true
            while more {
                let got = try reader.withNextLine { line throws(BenchError) -> Bool in
                    let at = now()
                    if hasPrefix(line, stepPrefix) {
                        counts.steps += 1
                        if contains(line, branchMarker) {
                            if contains(line, startedMarker) {
                                timeline.lastBranchStarted = at
                            } else {
                                if timeline.firstBranchEnded == 0 { timeline.firstBranchEnded = at }
                                timeline.lastBranchEnded = at
                                timeline.progressAfterLastBranch = 0
                            }
                        }
                    } else if hasPrefix(line, progressPrefix) {
                        counts.progress += 1
                        timeline.progressAfterLastBranch += 1
                    } else if hasPrefix(line, notificationPrefix) {
                        let message = try Wire.parse(line)
                        switch message["method"]?.stringValue {
                        case "run/started"?:
                            counts.started += 1
                            startedAt = at
                        case "run/step"?: counts.steps += 1
                        case "run/progress"?: counts.progress += 1
                        case "run/heartbeat"?: counts.heartbeats += 1
                        default: counts.other += 1
                        }
                    } else {
                        responseAt = at
                        appendBytes(line, to: &response)
                        return false
                    }
                    lastNotificationAt = at
                    return true
                }
                guard let got else {
                    throw BenchError("the server closed stdout before answering coordinator/parallel")
                }
                more = got
            }
        }
        let cpuEnd = processCPUSeconds()
        let bytesReceived = reader.bytesRead - bytesBefore
        let exit = try session.finish()

        let (serverMs, slowestMs) = try verify(response, id: runId, branches: branches, counts: counts)
        let wallMs = Double(responseAt - start) / 1e6
        func ms(_ t: UInt64) -> Double? { t == 0 ? nil : Double(t - start) / 1e6 }
        return WorkflowRep(
            wallMs: wallMs,
            serverMs: serverMs,
            slowestBranchMs: slowestMs,
            counts: counts,
            requestBytes: request.count,
            bytesReceived: bytesReceived,
            responseBytes: response.count,
            runStartedMs: ms(startedAt),
            lastNotificationMs: ms(lastNotificationAt),
            lastBranchStartedMs: ms(timeline.lastBranchStarted),
            firstBranchEndedMs: ms(timeline.firstBranchEnded),
            lastBranchEndedMs: ms(timeline.lastBranchEnded),
            progressAfterLastBranch: timeline.progressAfterLastBranch,
            cost: PhaseCost(
                wallSeconds: wallMs / 1000,
                clientCPUSeconds: cpuEnd - cpuStart,
                serverCPUSeconds: exit.cpuSeconds
            )
        )
    }

    /// Checks the response and the stream; returns the run's `durationMs` and its slowest branch's.
    private static func verify(
        _ bytes: [UInt8],
        id: Int,
        branches: Int,
        counts: NotificationCounts
    ) throws(BenchError)
        -> (serverMs: Int, slowestBranchMs: Int)
    {
        let response = try Wire.parse(bytes)
        guard response["id"]?.integerValue == Int64(id) else {
            throw BenchError(
                "a line that is neither a notification nor the response: \(String(response.jsonString.prefix(300)))"
            )
        }
        guard let result = response["result"] else {
            throw BenchError(
                "coordinator/parallel failed: \(String((response["error"] ?? response).jsonString.prefix(300)))"
            )
        }
        guard result["stopReason"]?.stringValue == "end_turn" else {
            throw BenchError("stopReason is \(result["stopReason"]?.jsonString ?? "missing"), expected end_turn")
        }
        guard let serverMs = result["durationMs"]?.integerValue else {
            throw BenchError("the result has no durationMs")
        }
        guard let list = result["branches"]?.arrayValue else { throw BenchError("the result has no branches") }
        guard list.count == branches else {
            throw BenchError("\(list.count) branches in the result, expected \(branches)")
        }
        var slowest: Int64 = 0
        var stepIds = Set<String>()
        for branch in list {
            guard branch["status"]?.stringValue == "completed" else {
                throw BenchError("a branch did not complete: \(String(branch.jsonString.prefix(300)))")
            }
            guard branch["output"]?.stringValue == input else {
                throw BenchError("a branch's output is not the input: \(String(branch.jsonString.prefix(300)))")
            }
            guard let ms = branch["durationMs"]?.integerValue else {
                throw BenchError("a branch has no durationMs: \(String(branch.jsonString.prefix(300)))")
            }
            if let stepId = branch["stepId"]?.stringValue { stepIds.insert(stepId) }
            slowest = max(slowest, ms)
        }
        guard stepIds.count == branches else {
            throw BenchError("\(stepIds.count) distinct branch step ids for \(branches) branches")
        }
        let expected = Array(repeating: input, count: branches).joined(separator: "\n\n")
        guard result["output"]?.stringValue == expected else {
            let got = result["output"]?.stringValue.map { "\($0.utf8.count) bytes" } ?? "missing"
            throw BenchError(
                "the output is not the \(branches) branch outputs joined by blank lines (\(got), expected \(expected.utf8.count) bytes)"
            )
        }
        let words = input.split(separator: " ").count
        let outputTokens = result["usage"]?["outputTokens"]
        guard outputTokens?.integerValue == Int64(words * branches) else {
            throw BenchError(
                "usage.outputTokens is \(outputTokens?.jsonString ?? "missing"), expected \(words * branches)"
            )
        }
        // run/started; run/step started and ended for the workflow and every branch; run/progress per branch.
        guard counts.started == 1, counts.steps == 2 * branches + 2, counts.progress == branches else {
            throw BenchError(
                "notifications: \(counts.started) run/started, \(counts.steps) run/step, \(counts.progress) run/progress; "
                    + "expected 1, \(2 * branches + 2), \(branches)"
            )
        }
        guard counts.other == 0 else {
            throw BenchError("\(counts.other) unexpected notifications (tokens were switched off)")
        }
        return (Int(serverMs), Int(slowest))
    }
}

/// Whether `needle` occurs in `line` (`memchr` for its first byte, `memcmp` for the rest).
func contains(_ line: UnsafeRawBufferPointer, _ needle: UnsafeRawBufferPointer) -> Bool {
    guard needle.count > 0, line.count >= needle.count, let base = line.baseAddress, let first = needle.first else {
        return needle.count == 0
    }
    var p = base
    let last = base + (line.count - needle.count)
    while p <= last, let found = memchr(p, Int32(first), p.distance(to: last) + 1) {
        let candidate = UnsafeRawPointer(found)
        if memcmp(candidate, needle.baseAddress!, needle.count) == 0 { return true }
        p = candidate + 1
    }
    return false
}

/// When the branches' `run/step` lines were read (0: none), and how many `run/progress` lines followed the
/// last branch's end: the coordinator catching up after its slowest call.
struct WorkflowTimeline {
    var lastBranchStarted: UInt64 = 0
    var firstBranchEnded: UInt64 = 0
    var lastBranchEnded: UInt64 = 0
    var progressAfterLastBranch = 0
}

/// The notifications read before the response.
struct NotificationCounts {
    var started = 0
    var steps = 0
    var progress = 0
    var heartbeats = 0
    var other = 0

    var total: Int { started + steps + progress + heartbeats + other }
}

/// One `coordinator/parallel` run.
struct WorkflowRep {
    /// Writing the request to reading the response.
    var wallMs: Double
    /// The run's own `durationMs`.
    var serverMs: Int
    /// The largest branch `durationMs`.
    var slowestBranchMs: Int
    var counts: NotificationCounts
    var requestBytes: Int
    var bytesReceived: Int
    var responseBytes: Int
    /// When `run/started` and the last notification before the response were read, from the write.
    var runStartedMs: Double?
    var lastNotificationMs: Double?
    /// When the last branch's start, the first branch's end and the last branch's end were read.
    var lastBranchStartedMs: Double?
    var firstBranchEndedMs: Double?
    var lastBranchEndedMs: Double?
    /// `run/progress` lines read after the last branch's end.
    var progressAfterLastBranch: Int
    var cost: PhaseCost

    /// What the coordinator adds to its slowest agent call, by its own clock.
    var overheadMs: Int { serverMs - slowestBranchMs }
    /// What the client waits beyond the slowest agent call.
    var wallOverSlowestMs: Double { wallMs - Double(slowestBranchMs) }
}

/// Repeated `coordinator/parallel` runs, each on its own server; figures are medians over the runs.
struct WorkflowFigures {
    var branches: Int
    var reps: [WorkflowRep]

    var wallMs: Summary { Summary(reps.map(\.wallMs)) }
    var serverMs: Summary { Summary(reps.map { Double($0.serverMs) }) }
    var slowestBranchMs: Summary { Summary(reps.map { Double($0.slowestBranchMs) }) }
    var overheadMs: Summary { Summary(reps.map { Double($0.overheadMs) }) }
    var wallOverSlowestMs: Summary { Summary(reps.map(\.wallOverSlowestMs)) }
    var runStartedMs: Summary { Summary(reps.compactMap(\.runStartedMs)) }
    var lastNotificationMs: Summary { Summary(reps.compactMap(\.lastNotificationMs)) }
    var lastBranchStartedMs: Summary { Summary(reps.compactMap(\.lastBranchStartedMs)) }
    var firstBranchEndedMs: Summary { Summary(reps.compactMap(\.firstBranchEndedMs)) }
    var lastBranchEndedMs: Summary { Summary(reps.compactMap(\.lastBranchEndedMs)) }
    var progressAfterLastBranch: Summary { Summary(reps.map { Double($0.progressAfterLastBranch) }) }

    var meetsTarget: Bool { overheadMs.median < Targets.workflowOverheadMs }

    /// The costs of every run together (server CPU includes each server's start and exit).
    var cost: PhaseCost {
        PhaseCost(
            wallSeconds: reps.reduce(0) { $0 + $1.cost.wallSeconds },
            clientCPUSeconds: reps.reduce(0) { $0 + $1.cost.clientCPUSeconds },
            serverCPUSeconds: reps.reduce(0) { $0 + $1.cost.serverCPUSeconds }
        )
    }
}
