import Foundation
import JSONCore
import Testing

/// End to end through the built `agentwire` executable, as an editor or script would spawn it.
@Suite struct BinaryTests {
    struct Output {
        var status: Int32
        var stdout: [UInt8]
        var stderr: String
        var stdoutLines: [String] {
            String(decoding: stdout, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map(
                String.init
            )
        }
    }

    /// Runs the binary to completion with `input` on stdin.
    static func run(_ arguments: [String], input: [UInt8] = []) async throws -> Output {
        let run = try await BinaryRun.run(arguments, input: input, stderr: .pipe)
        return Output(status: run.status, stdout: run.stdout, stderr: String(decoding: run.stderr, as: UTF8.self))
    }

    static let runRequest =
        #"{"jsonrpc":"2.0","id":1,"method":"agent/run","params":{"agent":"echo","input":"hello brave new world"}}"#

    @Test(arguments: [[], ["--log-level", "trace"]])
    func pipedRunPrintsOnlyFrames(extraArguments: [String]) async throws {
        let output = try await Self.run(extraArguments, input: Array((Self.runRequest + "\n").utf8))
        #expect(output.status == 0)
        let messages = try output.stdoutLines.map { try JSONValue.parse($0) }
        #expect(messages.allSatisfy { $0["jsonrpc"] == "2.0" })
        let tokens = messages.filter { $0["method"] == "run/token" }
        #expect(tokens.count == 4)
        #expect(tokens.compactMap { $0["params", "text"]?.stringValue }.joined() == "hello brave new world")
        let methods = Set(messages.compactMap { $0["method"]?.stringValue })
        #expect(methods == ["run/started", "run/step", "run/token"])
        let last = try #require(messages.last)
        #expect(last["id"] == 1)
        #expect(last["result", "output"] == "hello brave new world")
        #expect(messages.count == 8)  // started, step started, 4 tokens, step completed, response
        if extraArguments.contains("trace") {
            #expect(output.stderr.contains("trace"), "trace logging goes to stderr")
        }
    }

    @Test func contentLengthConversation() async throws {
        var input: [UInt8] = []
        for body in [#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":null}"#, Self.runRequest] {
            input += Array("Content-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
        }
        let output = try await Self.run([], input: input)
        #expect(output.status == 0)
        var decoderInput = output.stdout[...]
        var bodies: [JSONValue] = []
        while let headerEnd = decoderInput.firstRange(of: Array("\r\n\r\n".utf8)) {
            let header = String(decoding: decoderInput[..<headerEnd.lowerBound], as: UTF8.self)
            #expect(header.hasPrefix("Content-Length: "))
            let length = try #require(Int(header.dropFirst("Content-Length: ".count)))
            let body = decoderInput[headerEnd.upperBound..<headerEnd.upperBound + length]
            bodies.append(try JSONValue.parse(Array(body)))
            decoderInput = decoderInput[(headerEnd.upperBound + length)...]
        }
        #expect(decoderInput.isEmpty, "nothing but frames on stdout")
        #expect(bodies.first?["result", "protocolVersion"] == "agentwire/1")
        #expect(bodies.first?["result", "capabilities", "framing"] == "content-length")
        #expect(bodies.filter { $0["method"] == "run/token" }.count == 4)
        #expect(bodies.last?["result", "stopReason"] == "end_turn")
    }

    @Test func runSubcommandStreamsTokensToStdout() async throws {
        let output = try await Self.run(["run", "echo", "hello", "brave", "new", "world"])
        #expect(output.status == 0)
        #expect(String(decoding: output.stdout, as: UTF8.self) == "hello brave new world\n")
        #expect(output.stderr.contains("done: 4 tokens"))
    }

    @Test func runSubcommandJSONPrintsEveryNotification() async throws {
        let output = try await Self.run(["run", "--json", "echo", "one two three"])
        #expect(output.status == 0)
        let lines = try output.stdoutLines.map { try JSONValue.parse($0) }
        #expect(lines.filter { $0["method"] == "run/token" }.count == 3)
        #expect(lines.last?["output"] == "one two three")
        #expect(lines.last?["usage", "outputTokens"] == 3)
    }

    @Test func runSubcommandRejectsUnknownAgentWithASuggestionAndStatus2() async throws {
        let output = try await Self.run(["run", "ecoh", "hi"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("did you mean 'echo'?"), "\(output.stderr)")
        #expect(output.stdout.isEmpty)
    }

    @Test func aWorkflowNameGivenAsAnAgentPointsToWorkflow() async throws {
        let output = try await Self.run(["run", "fanout", "hi"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("--workflow fanout"), "\(output.stderr)")
    }

    @Test func anUnknownSubcommandGetsASuggestionAndStatus2() async throws {
        let output = try await Self.run(["agnets"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("did you mean 'agents'?"), "\(output.stderr)")
        #expect(output.stdout.isEmpty)
    }

    @Test func aJSONErrorIsOneLineWithCodeMessageAndData() async throws {
        let output = try await Self.run(["run", "--json", "ecoh", "hi"])
        #expect(output.status == 2)
        #expect(output.stdoutLines.count == 1)
        let line = try JSONValue.parse(try #require(output.stdoutLines.first))
        #expect(line["error", "code"] == -32001)
        #expect(line["error", "message"]?.stringValue?.contains("ecoh") == true)
        #expect(line["error", "data", "suggestion"] == "echo")
    }

    @Test func runReadsItsInputFromAPipe() async throws {
        let output = try await Self.run(["run", "echo"], input: Array("piped text\n".utf8))
        #expect(output.status == 0)
        #expect(String(decoding: output.stdout, as: UTF8.self) == "piped text\n")
    }

    @Test func doubleDashEndsTheOptions() async throws {
        let output = try await Self.run(["run", "echo", "--", "--json", "is", "input"])
        #expect(output.status == 0)
        #expect(String(decoding: output.stdout, as: UTF8.self) == "--json is input\n")
    }

    /// stdout gets exactly what `workflow/run` answers as `output`; stderr one line per step start and
    /// end, and the steps' tokens only with --verbose.
    @Test func aWorkflowPrintsItsResultAndOneLinePerStepEvent() async throws {
        let output = try await Self.run(["run", "--workflow", "pipeline", "ship", "it"])
        #expect(output.status == 0)
        #expect(String(decoding: output.stdout, as: UTF8.self) == "reviewed: ship it\n")
        let lines = output.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains("[1.1 echo] started"), "\(output.stderr)")
        #expect(lines.contains { $0.hasPrefix("[1.2 echo] completed in ") }, "\(output.stderr)")
        #expect(!output.stderr.contains("| "), "\(output.stderr)")

        let verbose = try await Self.run(["run", "--verbose", "--workflow", "pipeline", "ship", "it"])
        #expect(String(decoding: verbose.stdout, as: UTF8.self) == "reviewed: ship it\n")
        #expect(verbose.stderr.contains("[1.2 echo] | reviewed: ship it\n"), "\(verbose.stderr)")

        let quiet = try await Self.run(["run", "--quiet", "--workflow", "pipeline", "ship", "it"])
        #expect(String(decoding: quiet.stdout, as: UTF8.self) == "reviewed: ship it\n")
        #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
    }

    @Test func aFailedRunExits1AndARunIsQuietAboutItsConfig() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("agentwire-cli-\(UUID()).json")
        try Data(#"{"agents":{"broken":{"provider":{"type":"command","argv":["false"]}}}}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let failed = try await Self.run(["run", "--config", file.path, "broken", "hi"])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("Error:"), "\(failed.stderr)")
        let done = try await Self.run(["run", "--config", file.path, "echo", "hi"])
        #expect(done.status == 0)
        #expect(!done.stderr.contains("Loaded config"), "\(done.stderr)")
    }

    /// Ctrl-C cancels the run: exit status 130, and the output so far is printed (for a workflow, what its
    /// steps produced until then).
    @Test func anInterruptedRunPrintsItsPartialOutputAndExits130() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("agentwire-int-\(UUID()).json")
        try Data(
            #"{"workflows":{"slow":{"strategy":"sequential","steps":[{"agent":"echo-slow"},{"agent":"echo-slow"}]}}}"#
                .utf8
        ).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let words = (1...40).map { "w\($0)" }
        for arguments in [["echo-slow"], ["--workflow", "slow"]] {
            let run = try await BinaryRun.run(
                ["run", "--config", file.path] + arguments + words,
                input: [],
                stderr: .pipe,
                interruptAfter: .milliseconds(300)
            )
            let stdout = String(decoding: run.stdout, as: UTF8.self)
            let stderr = String(decoding: run.stderr, as: UTF8.self)
            #expect(run.status == 130, "\(arguments): \(stderr)")
            #expect(stdout.hasPrefix("w1 w2 "), "\(arguments): \(stdout)")
            #expect(!stdout.contains("w40"), "\(arguments): \(stdout)")
            #expect(stderr.contains("cancelled"), "\(arguments): \(stderr)")
        }
    }

    @Test func agentsAndWorkflowsListWhatTheProtocolLists() async throws {
        let agents = try await Self.run(["agents", "--json"])
        #expect(agents.status == 0)
        let list = try JSONValue.parse(try #require(agents.stdoutLines.first))
        let names = (list["agents"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        #expect(names.contains("echo-slow"))
        let workflows = try await Self.run(["workflows"])
        let rows = workflows.stdoutLines.map { $0.split(separator: "\t").map(String.init) }
        #expect(rows.contains { $0.first == "fanout" && $0.dropFirst().first == "parallel" }, "\(rows)")
    }

    @Test func badConfigFailsAtStartNamingFilePathAndExpectation() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("agentwire-bad-\(UUID()).json")
        try Data(#"{"agents":{"slow":{"provider":{"type":"echo","delayMs":"five"}}}}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = try await Self.run(["--config", file.path], input: Array((Self.runRequest + "\n").utf8))
        #expect(output.status != 0)
        #expect(output.stderr.contains(file.path))
        #expect(output.stderr.contains("$.agents.slow.provider.delayMs"))
        #expect(output.stderr.contains("expected"))
        #expect(output.stdout.isEmpty)
    }

    @Test func configAgentIsServed() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("agentwire-good-\(UUID()).json")
        try Data(#"{"agents":{"slow":{"description":"Slow echo","provider":{"type":"echo","delayMs":1}}}}"#.utf8)
            .write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let request =
            #"{"jsonrpc":"2.0","id":1,"method":"agents/list"}"# + "\n"
            + #"{"jsonrpc":"2.0","id":2,"method":"agent/run","params":{"agent":"slow","input":"a b c"}}"# + "\n"
        let output = try await Self.run(["serve", "--config", file.path], input: Array(request.utf8))
        let messages = try output.stdoutLines.map { try JSONValue.parse($0) }
        let list = try #require(messages.first { $0["id"] == 1 })
        let names = (list["result", "agents"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        #expect(names.contains("slow") && names.contains("echo"))
        #expect(messages.first { $0["id"] == 2 }?["result", "output"] == "a b c")
    }

    /// Every help screen: no line broken in the middle (a run of spaces inside the text), every option's
    /// and subcommand's help starting with a capital, and the OTLP exporter's encoding named as it is.
    @Test(arguments: [[], ["serve"], ["run"], ["runs"], ["show"], ["resume"], ["agents"], ["workflows"], ["schema"]])
    func helpTextsAreWellFormed(command: [String]) async throws {
        let output = try await Self.run(command + ["--help"])
        let text = String(decoding: output.stdout, as: UTF8.self) + output.stderr
        #expect(!text.isEmpty)
        // ArgumentParser puts help text at column 26; a name longer than that gets its text on the next line.
        let helpColumn = 26
        for line in text.split(separator: "\n").map(String.init) {
            let body = line.drop { $0 == " " }
            let indent = line.count - body.count
            let runs = body.ranges(of: "   ").map { body.distance(from: body.startIndex, to: $0.lowerBound) }
            let aligned = runs.allSatisfy { offset in
                let end = line.dropFirst(indent + offset).firstIndex { $0 != " " }
                return end.map { line.distance(from: line.startIndex, to: $0) } == helpColumn
            }
            #expect(aligned, "a line broken in the middle: \(line)")
            if indent == helpColumn || (indent == 2 && runs.count == 1) {
                let help = line.dropFirst(helpColumn)
                if indent == 2, let first = help.first, line.count > helpColumn {
                    #expect(first.isUppercase || !first.isLetter, "help not capitalised: \(line)")
                }
            }
        }
        #expect(!text.contains("OTLP/HTTP (JSON)"))
    }

    @Test func helpDescribesTheService() async throws {
        let output = try await Self.run(["--help"])
        let text = String(decoding: output.stdout, as: UTF8.self) + output.stderr
        #expect(text.contains("JSON-RPC"))
        #expect(text.contains("run"))
        #expect(text.contains("serve"))
    }
}
