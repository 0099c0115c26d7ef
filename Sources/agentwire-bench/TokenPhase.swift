import JSONCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Token throughput: one echo run of N words, every frame read and counted, none parsed but a few.
enum TokenPhase {
    /// How every `run/token` notification starts when the server writes it (its hand-written fast path).
    static let tokenPrefix = StaticBytes(#"{"jsonrpc":"2.0","method":"run/token","#)
    /// How the other notifications start; anything else is taken to be the response.
    static let notificationPrefix = StaticBytes(#"{"jsonrpc":"2.0","method":"#)

    /// - Parameter serverArguments: how the server is started, naming its run store.
    static func measure(
        binary: String,
        words: Int,
        countOnly: Bool,
        timeout: Double,
        serverArguments: [String]
    ) throws(BenchError)
        -> TokenFigures
    {
        let session = try Session(binary: binary, timeout: timeout, arguments: serverArguments)
        let runId = 1
        let (request, inputBytes) = Wire.runRequest(id: runId, words: words)
        guard session.reader.pending.isEmpty else { throw BenchError("unexpected output after initialize") }
        let buffer = ChunkBuffer()
        var tally = TokenTally()
        defer { tally.deallocate() }
        var bytesReceived = 0
        var reads = 0

        let cpuStart = processCPUSeconds()
        let start = now()
        let writer = BackgroundWriter(fd: session.server.inputFD, bytes: request)
        let (writtenAt, end) = try session.measure { () throws(BenchError) -> (UInt64, UInt64) in
            let end: UInt64
            if countOnly {
                // Only count newlines: run/started, two run/step, N tokens and the response.
                let expectedLines = words + 4
                var lines = 0
                while lines < expectedLines {
                    let chunk = try writer.readOrStop(buffer, from: session.server)
                    bytesReceived += chunk.count
                    reads += 1
                    var p = chunk.baseAddress!
                    let chunkEnd = p + chunk.count
                    while let found = memchr(p, Int32(Wire.newline), p.distance(to: chunkEnd)) {
                        lines += 1
                        p = UnsafeRawPointer(found) + 1
                    }
                }
                end = now()
            } else {
                var splitter = LineSplitter()
                var more = true
                while more {
                    let chunk = try writer.readOrStop(buffer, from: session.server)
                    tally.chunkTime = now()
                    bytesReceived += chunk.count
                    reads += 1
                    more = splitter.feed(chunk) { tally.take($0) }
                }
                end = tally.responseTime
            }
            if let problem = tally.problem {
                writer.stop(session.server)
                throw problem
            }
            return (try writer.wait(), end)
        }
        let cpuEnd = processCPUSeconds()
        let exit = try session.finish()

        let serverRunMs = countOnly ? nil : try tally.verify(words: words, inputBytes: inputBytes, id: runId)
        let seconds = Double(end - start) / 1e9
        func ms(_ t: UInt64) -> Double? { countOnly || t == 0 ? nil : Double(t - start) / 1e6 }
        return TokenFigures(
            words: words,
            seconds: seconds,
            bytesReceived: bytesReceived,
            reads: reads,
            requestBytes: request.count,
            requestWrittenMs: Double(writtenAt - start) / 1e6,
            runStartedMs: ms(tally.startedTime),
            firstTokenMs: ms(tally.firstTokenTime),
            lastTokenMs: ms(tally.lastTokenTime),
            serverRunMs: serverRunMs,
            countOnly: countOnly,
            cost: PhaseCost(
                wallSeconds: seconds,
                clientCPUSeconds: cpuEnd - cpuStart,
                serverCPUSeconds: exit.cpuSeconds
            )
        )
    }
}

/// What the token stream held. A token line costs a `memcmp` of its prefix and a `memcpy` (it may be the
/// last); the three other notifications are parsed; the response is kept as bytes and parsed after the
/// clock stops.
struct TokenTally {
    var tokens = 0
    var otherNotifications = 0
    var firstToken: [UInt8] = []
    /// The latest token line, in a fixed buffer (or `longToken` if it does not fit).
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
    private var scratchCount = 0
    private var longToken: [UInt8]?
    var response: [UInt8]?
    /// When the chunk being split was read.
    var chunkTime: UInt64 = 0
    var startedTime: UInt64 = 0
    var firstTokenTime: UInt64 = 0
    var lastTokenTime: UInt64 = 0
    var responseTime: UInt64 = 0
    var problem: BenchError?

    func deallocate() { scratch.deallocate() }

    /// Takes one line; false once the response (or something unreadable) has arrived.
    @inline(__always)
    mutating func take(_ line: UnsafeRawBufferPointer) -> Bool {
        if hasPrefix(line, TokenPhase.tokenPrefix.buffer) {
            countToken(line)
            return true
        }
        return takeOther(line)
    }

    @inline(__always)
    private mutating func countToken(_ line: UnsafeRawBufferPointer) {
        tokens += 1
        lastTokenTime = chunkTime
        if line.count <= scratch.count {
            memcpy(scratch.baseAddress!, line.baseAddress!, line.count)
            scratchCount = line.count
            longToken = nil
        } else {
            longToken = Array(line)
        }
        if tokens == 1 {
            firstToken = Array(line)
            firstTokenTime = chunkTime
        }
    }

    /// The slow path, for the few lines that are not fast-path tokens.
    private mutating func takeOther(_ line: UnsafeRawBufferPointer) -> Bool {
        guard hasPrefix(line, TokenPhase.notificationPrefix.buffer) else {
            responseTime = now()
            var bytes: [UInt8] = []
            appendBytes(line, to: &bytes)
            response = bytes
            return false
        }
        do throws(BenchError) {
            let message = try Wire.parse(line)
            let method = message["method"]?.stringValue
            if method == "run/token" {
                countToken(line)
            } else {
                if method == "run/started" { startedTime = chunkTime }
                otherNotifications += 1
            }
            return true
        } catch {
            problem = error
            return false
        }
    }

    private var lastToken: [UInt8] {
        longToken ?? Array(UnsafeRawBufferPointer(start: scratch.baseAddress, count: scratchCount))
    }

    /// Checks the run's result and stream; returns the run's own duration in ms.
    func verify(words: Int, inputBytes: Int, id: Int) throws(BenchError) -> Int? {
        guard let responseBytes = response else { throw BenchError("no response to agent/run") }
        let response = try Wire.parse(responseBytes)
        if let error = response["error"] {
            throw BenchError("agent/run failed: \(String(error.jsonString.prefix(300)))")
        }
        guard response["id"]?.integerValue == Int64(id) else {
            throw BenchError(
                "a line that is neither a notification nor the response: \(String(response.jsonString.prefix(300)))"
            )
        }
        guard let result = response["result"] else {
            throw BenchError("agent/run failed: \(String((response["error"] ?? response).jsonString.prefix(300)))")
        }
        let outputTokens = result["usage"]?["outputTokens"]?.integerValue
        guard outputTokens == Int64(words) else {
            throw BenchError("usage.outputTokens is \(outputTokens.map(String.init) ?? "missing"), expected \(words)")
        }
        let stopReason = result["stopReason"]?.stringValue
        guard stopReason == "end_turn" else {
            throw BenchError("stopReason is \(stopReason ?? "missing"), expected end_turn")
        }
        guard result["output"]?.stringValue?.utf8.count == inputBytes else {
            throw BenchError("the output is not the \(inputBytes) bytes of input")
        }
        guard tokens == words else { throw BenchError("\(tokens) run/token lines for \(words) words") }
        let first = try Wire.parse(firstToken)
        let last = try Wire.parse(lastToken)
        guard let firstSeq = first["params"]?["seq"]?.integerValue, let lastSeq = last["params"]?["seq"]?.integerValue,
            lastSeq - firstSeq + 1 == Int64(words)
        else {
            throw BenchError(
                "token seq numbers do not span \(words) tokens: first \(first.jsonString), last \(last.jsonString)"
            )
        }
        guard last["params"]?["text"]?.stringValue == "w\(words)" else {
            throw BenchError("the last token is not the last word: \(last.jsonString)")
        }
        return result["durationMs"]?.integerValue.map { Int($0) }
    }
}
