import JSONCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The start-up, sequential-ping and pipelined-ping measurements.
enum Phases {
    /// Spawn to the `initialize` reply, `count` times, each in a fresh process that is then told to exit.
    static func startup(binary: String, count: Int, timeout: Double) throws(BenchError) -> StartupFigures {
        let request = Wire.initializeRequest(id: 1)
        var samples: [Double] = []
        var exits: [Double] = []
        var cpu: [Double] = []
        for _ in 0..<count {
            let start = now()
            let server = try ServerProcess(binary: binary, arguments: ServerProcess.memoryStore)
            let watchdog = Watchdog(pid: server.pid, seconds: timeout)
            defer { watchdog.cancel() }
            let reader = LineReader(fd: server.outputFD, capacity: 4096)
            let line: [UInt8]?
            do {
                try server.write(request)
                line = try reader.nextLine()
            } catch {
                throw watchdog.fired ? BenchError("timed out after \(Int(timeout)) s waiting for initialize") : error
            }
            let replied = now()
            guard let line else {
                throw watchdog.fired
                    ? BenchError("timed out after \(Int(timeout)) s waiting for initialize")
                    : BenchError("the server closed stdout before answering initialize")
            }
            let reply = try Wire.parse(line)
            guard reply["id"]?.integerValue == 1, reply["result"]?["protocolVersion"]?.stringValue != nil else {
                throw BenchError("unexpected initialize reply: \(reply.jsonString)")
            }
            server.closeInput()
            let exit = try server.waitForExit()
            let exited = now()
            if watchdog.fired { throw BenchError("timed out after \(Int(timeout)) s waiting for exit") }
            guard exit.isClean else { throw BenchError("the server ended with \(exit.summary) after stdin closed") }
            samples.append(Double(replied - start) / 1e6)
            exits.append(Double(exited - replied) / 1e6)
            cpu.append(exit.cpuSeconds * 1000)
        }
        return StartupFigures(samplesMs: samples, exitMs: Summary(exits), serverCPUMs: Summary(cpu))
    }

    /// `count` pings, each written only after the previous reply arrived.
    static func sequential(binary: String, count: Int, timeout: Double) throws(BenchError) -> SequentialFigures {
        let session = try Session(binary: binary, timeout: timeout, arguments: ServerProcess.memoryStore)
        let server = session.server
        let reader = session.reader
        var request: [UInt8] = []
        var expected: [UInt8] = []
        request.reserveCapacity(64)
        expected.reserveCapacity(64)
        var latencies: [Double] = []
        latencies.reserveCapacity(count)

        let cpuStart = processCPUSeconds()
        let start = now()
        try session.measure { () throws(BenchError) in
            for id in 1...count {
                request.removeAll(keepingCapacity: true)
                expected.removeAll(keepingCapacity: true)
                Wire.appendPing(id: id, to: &request)
                Wire.appendPingReply(id: id, to: &expected)
                let sent = now()
                try server.write(request)
                var answered = false
                while !answered {
                    let got = try reader.withNextLine { line throws(BenchError) -> Bool in
                        if line.elementsEqual(expected) { return true }
                        return try isReply(line, id: id)
                    }
                    guard let got else { throw BenchError("the server closed stdout during ping \(id)") }
                    answered = got
                }
                latencies.append(Double(now() - sent) / 1e3)
            }
        }
        let end = now()
        let cpuEnd = processCPUSeconds()
        let exit = try session.finish()
        let seconds = Double(end - start) / 1e9
        return SequentialFigures(
            count: count,
            seconds: seconds,
            latencyUs: Summary(latencies),
            cost: PhaseCost(
                wallSeconds: seconds,
                clientCPUSeconds: cpuEnd - cpuStart,
                serverCPUSeconds: exit.cpuSeconds
            )
        )
    }

    /// Slow path for a ping reply that is not byte for byte the expected one: true for the reply to `id`,
    /// false for a notification to skip; throws for an error or another id.
    private static func isReply(_ line: UnsafeRawBufferPointer, id: Int) throws(BenchError) -> Bool {
        let message = try Wire.parse(line)
        if message["id"] == nil && message["method"] != nil { return false }
        guard message["id"]?.integerValue == Int64(id), message["result"] != nil else {
            throw BenchError("unexpected reply to ping \(id): \(message.jsonString)")
        }
        return true
    }

    /// How a ping reply starts and ends when the server writes it as expected.
    private static let replyPrefix = StaticBytes(#"{"jsonrpc":"2.0","id":"#)
    private static let emptyResultSuffix = StaticBytes(#","result":{}}"#)

    /// `count` pings written in one go by a background thread while this one counts the reply lines.
    static func pipelined(binary: String, count: Int, timeout: Double) throws(BenchError) -> PipelinedFigures {
        let session = try Session(binary: binary, timeout: timeout, arguments: ServerProcess.memoryStore)
        var requests: [UInt8] = []
        requests.reserveCapacity(count * 48)
        for id in 1...count { Wire.appendPing(id: id, to: &requests) }
        guard session.reader.pending.isEmpty else { throw BenchError("unexpected output after initialize") }

        let idPrefix = Self.replyPrefix.buffer
        let resultSuffix = Self.emptyResultSuffix.buffer
        let buffer = ChunkBuffer()
        var splitter = LineSplitter()
        var replies = 0
        var reads = 0
        var idSum = 0
        var problem: BenchError?

        let cpuStart = processCPUSeconds()
        let start = now()
        let writer = BackgroundWriter(fd: session.server.inputFD, bytes: requests)
        let (writtenAt, end) = try session.measure { () throws(BenchError) -> (UInt64, UInt64) in
            var more = true
            while more {
                let chunk = try writer.readOrStop(buffer, from: session.server)
                reads += 1
                more = splitter.feed(chunk) { line in
                    if hasPrefix(line, idPrefix) && hasSuffix(line, resultSuffix) {
                        var id = 0
                        for byte in line[idPrefix.count..<(line.count - resultSuffix.count)] {
                            id = id &* 10 &+ Int(byte &- 48)
                        }
                        idSum &+= id
                        replies += 1
                    } else {
                        do throws(BenchError) {
                            let message = try Wire.parse(line)
                            if message["id"] == nil && message["method"] != nil { return true }
                            guard let id = message["id"]?.integerValue, message["result"] != nil else {
                                problem = BenchError("unexpected reply: \(message.jsonString)")
                                return false
                            }
                            idSum &+= Int(id)
                            replies += 1
                        } catch {
                            problem = error
                            return false
                        }
                    }
                    return replies < count
                }
            }
            let end = now()
            if let problem {
                writer.stop(session.server)
                throw problem
            }
            return (try writer.wait(), end)
        }
        let cpuEnd = processCPUSeconds()
        let exit = try session.finish()
        guard idSum == count * (count + 1) / 2 else {
            throw BenchError("the reply ids do not add up to those of the \(count) pings sent")
        }
        let seconds = Double(end - start) / 1e9
        return PipelinedFigures(
            count: count,
            seconds: seconds,
            writtenMs: Double(writtenAt - start) / 1e6,
            reads: reads,
            cost: PhaseCost(
                wallSeconds: seconds,
                clientCPUSeconds: cpuEnd - cpuStart,
                serverCPUSeconds: exit.cpuSeconds
            )
        )
    }
}
