import JSONCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One ACP prompt of N words through a minimal reader: the agent streams `session/update`s, the reader
/// counts them (lines naming `session/update`, nothing parsed) and parses only the prompt's reply.
struct ACPFigures {
    var words: Int
    var updates: Int
    var bytesReceived: Int
    /// Prompt written to reply read.
    var seconds: Double

    var updatesPerSecond: Double { Double(updates) / seconds }
    var tokensPerSecond: Double { Double(words) / seconds }
}

/// The ACP phase: agentwire against, when available, an echo-style agent written with the Python SDK.
struct ACPComparison {
    var agentwire: ACPFigures
    /// The Python SDK agent's run, or why it was not measured.
    var python: Result<ACPFigures, BenchError>?

    /// How many times faster agentwire answered the same prompt.
    var speedup: Double? {
        guard case .success(let python)? = python else { return nil }
        return python.seconds / agentwire.seconds
    }
}

enum ACPPhase {
    private static let updateMarker = StaticBytes("\"session/update\"")

    /// - Parameter pythonAgent: the command line of the SDK's echo-style agent, or nil to skip it.
    static func measure(
        binary: String,
        words: Int,
        pythonAgent: [String]?,
        timeout: Double
    ) throws(BenchError) -> ACPComparison {
        let ours = try prompt(command: [binary] + ServerProcess.memoryStore, words: words, timeout: timeout)
        var python: Result<ACPFigures, BenchError>? = nil
        if let pythonAgent {
            do {
                python = .success(try prompt(command: pythonAgent, words: words, timeout: timeout))
            } catch {
                python = .failure(error)
            }
        }
        return ACPComparison(agentwire: ours, python: python)
    }

    /// Spawns an ACP agent, opens a session and times one prompt of `words` words.
    static func prompt(command: [String], words: Int, timeout: Double) throws(BenchError) -> ACPFigures {
        let server = try ServerProcess(binary: command[0], arguments: Array(command.dropFirst()))
        let watchdog = Watchdog(pid: server.pid, seconds: timeout)
        defer { watchdog.cancel() }
        let reader = LineReader(fd: server.outputFD)
        do throws(BenchError) {
            try server.write(
                line(
                    #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":1,"clientCapabilities":{}}}"#
                )
            )
            let initialized = try reply(to: 0, from: reader)
            guard initialized["result"]?["protocolVersion"] == 1 else {
                throw BenchError("initialize was not answered with protocol version 1: \(initialized.jsonString)")
            }
            try server.write(
                line(#"{"jsonrpc":"2.0","id":1,"method":"session/new","params":{"cwd":"/","mcpServers":[]}}"#)
            )
            let session = try reply(to: 1, from: reader)
            guard let sessionId = session["result"]?["sessionId"]?.stringValue else {
                throw BenchError("session/new failed: \(session.jsonString)")
            }

            let request = promptRequest(id: 2, sessionId: sessionId, words: words)
            let started = now()
            let received = reader.bytesRead
            let writer = BackgroundWriter(fd: server.inputFD, bytes: request)
            var updates = 0
            var answer: JSONValue?
            while answer == nil {
                let done = try reader.withNextLine { line throws(BenchError) -> Bool in
                    if contains(line, updateMarker.buffer) {
                        updates += 1
                        return false
                    }
                    let message = try Wire.parse(line)
                    if message["id"] == 2 {
                        answer = message
                        return true
                    }
                    return false
                }
                if done == nil {
                    writer.stop(server)
                    throw BenchError("the agent closed stdout before answering the prompt")
                }
            }
            let seconds = Double(now() - started) / 1e9
            _ = try writer.wait()
            guard answer?["result"]?["stopReason"] == "end_turn" else {
                throw BenchError("the prompt was not answered with end_turn: \(answer?.jsonString.prefix(300) ?? "")")
            }
            server.closeInput()
            _ = try server.waitForExit()
            return ACPFigures(
                words: words,
                updates: updates,
                bytesReceived: reader.bytesRead - received,
                seconds: seconds
            )
        } catch {
            if watchdog.fired {
                throw BenchError("timed out after \(Int(timeout)) s (agent killed); raise --timeout if it is just slow")
            }
            throw BenchError("\(command[0]): \(error)")
        }
    }

    private static func line(_ text: String) -> [UInt8] { Array(text.utf8) + [Wire.newline] }

    /// Reads lines until the reply carrying `id` (notifications before it are skipped).
    private static func reply(to id: Int, from reader: LineReader) throws(BenchError) -> JSONValue {
        while true {
            guard let line = try reader.nextLine() else {
                throw BenchError("the agent closed stdout before answering request \(id)")
            }
            let message = try Wire.parse(line)
            if message["id"] == .integer(Int64(id)) { return message }
        }
    }

    /// `session/prompt` with one text block "w1 w2 … wN" (with a newline).
    static func promptRequest(id: Int, sessionId: String, words: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(words * 9 + 256)
        ByteWriter.appendRaw(#"{"jsonrpc":"2.0","id":"#, to: &bytes)
        ByteWriter.appendInteger(id, to: &bytes)
        ByteWriter.appendRaw(#","method":"session/prompt","params":{"sessionId":""#, to: &bytes)
        bytes.append(contentsOf: sessionId.utf8)  // agent-made ids: letters, digits, '_' and '-'

        ByteWriter.appendRaw(#"","prompt":[{"type":"text","text":""#, to: &bytes)
        for i in 1...max(words, 1) {
            if i > 1 { bytes.append(UInt8(ascii: " ")) }
            bytes.append(UInt8(ascii: "w"))
            ByteWriter.appendInteger(i, to: &bytes)
        }
        ByteWriter.appendRaw(#""}]}}"#, to: &bytes)
        bytes.append(Wire.newline)
        return bytes
    }

    /// Whether `needle` occurs in `line` (`memchr` for its first byte, then `memcmp`).
    private static func contains(_ line: UnsafeRawBufferPointer, _ needle: UnsafeRawBufferPointer) -> Bool {
        guard needle.count > 0, line.count >= needle.count, let base = line.baseAddress else { return false }
        let first = Int32(needle[0])
        var offset = 0
        while offset + needle.count <= line.count,
            let found = memchr(base + offset, first, line.count - needle.count - offset + 1)
        {
            let at = base.distance(to: UnsafeRawPointer(found))
            if memcmp(found, needle.baseAddress!, needle.count) == 0 { return true }
            offset = at + 1
        }
        return false
    }
}
