import AgentCore
import FakeModelServer
import Foundation
import JSONCore
import Testing

// `agentwire runs` and `agentwire show` through the built binary, on a store that `agentwire serve`
// processes filled, as an editor's would.

/// What the binary printed and how it ended (also for ResumeCommandTests).
struct Printed {
    var status: Int32
    var stdout: String
    var stderr: String

    var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    /// Each stdout line's tab-separated cells.
    var rows: [[String]] { lines.map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) } }
}

/// Runs the binary to its end, its state, config and home directories inside `directory`.
func agentwire(
    _ arguments: [String],
    in directory: StoreTestDirectory,
    input: String = "",
    environment extra: [String: String] = [:]
) async throws -> Printed {
    var environment = TestClient.binaryEnvironment
    environment["XDG_STATE_HOME"] = directory.path("state")
    environment["XDG_CONFIG_HOME"] = directory.path("config")
    environment["HOME"] = directory.path("home")
    environment.merge(extra) { $1 }
    let run = try await BinaryRun.run(arguments, environment: environment, input: Array(input.utf8), stderr: .pipe)
    return Printed(
        status: run.status,
        stdout: String(decoding: run.stdout, as: UTF8.self),
        stderr: String(decoding: run.stderr, as: UTF8.self)
    )
}

/// One request to `agentwire serve` with `arguments`; its answer (`result` or `error`), with the run id.
private func serve(
    _ method: String,
    _ params: JSONValue,
    arguments: [String],
    in directory: StoreTestDirectory
) async throws -> JSONValue {
    let request: JSONValue = ["jsonrpc": "2.0", "id": 1, "method": .string(method), "params": params]
    let printed = try await agentwire(["serve"] + arguments, in: directory, input: request.jsonString + "\n")
    #expect(printed.status == 0, "\(printed.stderr)")
    let messages = try printed.lines.map { try JSONValue.parse(Array($0.utf8)) }
    return try #require(messages.first { $0["id"] == 1 }, "\(printed.stdout)")
}

/// A config with `slowfail`, an echo agent that always takes longer than its timeout.
private func writeConfig(in directory: StoreTestDirectory) throws -> String {
    let path = directory.path("config.json")
    try Data(
        #"{"agents": {"slowfail": {"provider": {"type": "echo", "delayMs": 200}, "limits": {"timeoutMs": 50}}}}"#.utf8
    ).write(to: URL(fileURLWithPath: path))
    return path
}

@Suite struct RunsCommandTests {
    @Test func runsListsStoredRunsNewestFirstAndShowPrintsOne() async throws {
        let directory = try StoreTestDirectory()
        let config = try writeConfig(in: directory)
        let store = ["--store", directory.path("runs.sqlite"), "--config", config]
        let echo = try await serve(
            "agent/run",
            ["agent": "echo", "input": "hello brave world"],
            arguments: store,
            in: directory
        )
        let echoId = try #require(echo["result", "runId"]?.stringValue)
        let failed = try await serve(
            "agent/run",
            ["agent": "slowfail", "input": "one two"],
            arguments: store,
            in: directory
        )
        #expect(failed["error", "code"] == -32005)
        let failedId = try #require(failed["error", "data", "runId"]?.stringValue)

        // Piped: tab-separated rows, newest first, without colour.
        let runs = try await agentwire(["runs"] + store, in: directory)
        #expect(runs.status == 0, "\(runs.stderr)")
        #expect(!runs.stdout.contains("\u{1B}["))
        let rows = runs.rows
        #expect(rows.map(\.first) == [failedId, echoId], "\(runs.stdout)")
        #expect(rows.allSatisfy { $0.count == 8 }, "\(runs.stdout)")
        #expect(rows.first.map { Array($0[1...3]) } == ["failed", "agent", "slowfail"])
        #expect(rows.last.map { Array($0[1...3]) } == ["completed", "agent", "echo"])
        #expect(rows.last?[6] == "3 out")
        #expect(rows.last?[7] == "-", "echo has no price")
        #expect(rows.allSatisfy { $0[5].hasSuffix(" ms") || $0[5].hasSuffix(" s") }, "\(runs.stdout)")

        let onlyFailed = try await agentwire(["runs", "--status", "failed"] + store, in: directory)
        #expect(onlyFailed.status == 0)
        #expect(onlyFailed.rows.map(\.first) == [failedId])
        let limited = try await agentwire(["runs", "--limit", "1"] + store, in: directory)
        #expect(limited.rows.map(\.first) == [failedId])
        #expect(limited.stderr.contains("--limit"), "more runs are kept: \(limited.stderr)")

        // --json: what run/list answers, on one line.
        let json = try await agentwire(["runs", "--json"] + store, in: directory)
        #expect(json.status == 0)
        #expect(json.lines.count == 1)
        let list = try JSONValue.parse(Array(json.stdout.utf8))
        #expect(list["runs"]?.arrayValue?.compactMap { $0["runId"]?.stringValue } == [failedId, echoId])
        let answered = try await serve("run/list", [:], arguments: store, in: directory)
        #expect(list == answered["result"])

        let shown = try await agentwire(["show", echoId] + store, in: directory)
        #expect(shown.status == 0, "\(shown.stderr)")
        for line in [
            "Run       \(echoId)", "Status    completed", "Kind      agent", "Agent     echo",
            "Usage     3 output tokens, 1 model call", "Input     hello brave world",
        ] {
            #expect(shown.lines.contains(line), "no line '\(line)' in:\n\(shown.stdout)")
        }
        let step = try #require(shown.lines.first { $0.hasPrefix("  1 ") }, "\(shown.stdout)")
        #expect(step.split(separator: " ").prefix(3) == ["1", "echo", "completed"])
        #expect(shown.lines.suffix(2) == ["Output", "hello brave world"])

        let shownFailure = try await agentwire(["show", failedId] + store, in: directory)
        #expect(shownFailure.status == 0)
        #expect(shownFailure.lines.contains("Status    failed"))
        #expect(
            shownFailure.lines.contains { $0.hasPrefix("Error     -32005 ") && $0.hasSuffix("timed out after 50 ms") }
        )
        let failedStep = try #require(shownFailure.lines.first { $0.hasPrefix("  1 ") })
        #expect(failedStep.contains("slowfail") && failedStep.contains("failed"))
        #expect(failedStep.hasSuffix("timed out after 50 ms"))
        #expect(shownFailure.lines.contains("Output (partial)"))

        // --json: what run/get answers.
        let details = try await agentwire(["show", "--json", echoId] + store, in: directory)
        #expect(details.lines.count == 1)
        let got = try await serve("run/get", ["runId": .string(echoId)], arguments: store, in: directory)
        #expect(try JSONValue.parse(Array(details.stdout.utf8)) == got["result"])
    }

    @Test func showPrintsAWorkflowsStepsAndOutput() async throws {
        let directory = try StoreTestDirectory()
        let store = ["--store", directory.path("runs.sqlite")]
        let answer = try await serve(
            "workflow/run",
            ["workflow": "fanout", "input": "ship it"],
            arguments: store,
            in: directory
        )
        let runId = try #require(answer["result", "runId"]?.stringValue)
        let runs = try await agentwire(["runs"] + store, in: directory)
        #expect(runs.rows.first.map { Array($0[0...3]) } == [runId, "completed", "workflow", "fanout"])

        let shown = try await agentwire(["show", runId] + store, in: directory)
        #expect(shown.status == 0)
        #expect(shown.lines.contains("Workflow  fanout (parallel)"), "\(shown.stdout)")
        let steps = shown.lines.filter { $0.hasPrefix("  1") }.map {
            $0.split(separator: " ").prefix(3).joined(separator: " ")
        }
        #expect(
            steps == ["1 fanout completed", "1.1 echo completed", "1.2 echo-thinking completed"],
            "\(shown.stdout)"
        )
        #expect(!shown.lines.contains { $0.contains("ERROR") }, "no error column when no step failed")
        #expect(shown.stdout.hasSuffix("Output\n1. ship it\n2. ship it\n"), "\(shown.stdout)")
    }

    @Test func theDefaultStoreIsTheOneServeKeepsRunsIn() async throws {
        let directory = try StoreTestDirectory()
        let answer = try await serve("agent/run", ["agent": "echo", "input": "kept"], arguments: [], in: directory)
        let runId = try #require(answer["result", "runId"]?.stringValue)
        let runs = try await agentwire(["runs"], in: directory)
        #expect(runs.rows.map(\.first) == [runId], "\(runs.stdout)\(runs.stderr)")
    }

    @Test func anUnknownRunExitsWithStatus2AndSaysHowToListRuns() async throws {
        let directory = try StoreTestDirectory()
        let store = ["--store", directory.path("runs.sqlite")]
        _ = try await serve("agent/run", ["agent": "echo", "input": "hi"], arguments: store, in: directory)
        let shown = try await agentwire(["show", "run_0000000000000000"] + store, in: directory)
        #expect(shown.status == 2)
        #expect(shown.stdout.isEmpty)
        #expect(shown.stderr.contains("Unknown run 'run_0000000000000000'"), "\(shown.stderr)")
        #expect(shown.stderr.contains("agentwire runs"), "\(shown.stderr)")

        let json = try await agentwire(["show", "--json", "run_0000000000000000"] + store, in: directory)
        #expect(json.status == 2)
        #expect(try JSONValue.parse(Array(json.stdout.utf8))["error", "code"] == -32001)
    }

    @Test func anEmptyStoreIsAFriendlyLineAndStatus0() async throws {
        let directory = try StoreTestDirectory()
        let path = directory.path("none.sqlite")
        let runs = try await agentwire(["runs", "--store", path], in: directory)
        #expect(runs.status == 0)
        #expect(runs.stdout.isEmpty)
        #expect(runs.stderr.contains("No runs yet"), "\(runs.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path), "reading creates no store")

        let json = try await agentwire(["runs", "--json", "--store", path], in: directory)
        #expect(json.status == 0)
        #expect(try JSONValue.parse(Array(json.stdout.utf8)) == ["runs": []])
        let shown = try await agentwire(["show", "run_0000000000000000", "--store", path], in: directory)
        #expect(shown.status == 2)
    }

    @Test func aBadStatusLimitOrConfigIsRefused() async throws {
        let directory = try StoreTestDirectory()
        let status = try await agentwire(["runs", "--status", "done"], in: directory)
        #expect(status.status == 2)
        for value in ["running", "completed", "failed", "cancelled", "interrupted"] {
            #expect(status.stderr.contains(value), "\(status.stderr)")
        }
        for limit in ["0", "501"] {
            let printed = try await agentwire(["runs", "--limit", limit], in: directory)
            #expect(printed.status == 2, "\(printed.stderr)")
            #expect(printed.stderr.contains("--limit"))
        }
        let config = directory.path("bad.json")
        try Data(#"{"agents": {"x": {"provider": {"type": "nope"}}}}"#.utf8).write(to: URL(fileURLWithPath: config))
        let bad = try await agentwire(["runs", "--config", config], in: directory)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains(config), "\(bad.stderr)")
    }

    @Test func aPricedRunShowsItsTokensAndCost() async throws {
        let server = try await FakeModelServer.start { _ in
            let body =
                StreamScript.eventStreamHead + StreamScript.roleChunk
                + ["all ", "fine"].map(StreamScript.content).joined() + StreamScript.finish()
                + StreamScript.usage(prompt: 1000, completion: 2) + StreamScript.done
            return [.send(Array(body.utf8))]
        }
        defer { Task { await server.stop() } }
        let directory = try StoreTestDirectory()
        let config = directory.path("priced.json")
        try Data(
            """
            {"pricing": {"small": {"inputPerMillion": 2.5, "outputPerMillion": 10}},
             "agents": {"priced": {"provider": {"type": "openai", "baseURL": "\(server.baseURL)", "model": "small",
                                                "retries": 0}}}}
            """.utf8
        ).write(to: URL(fileURLWithPath: config))
        let store = ["--store", directory.path("runs.sqlite"), "--config", config]
        let answer = try await serve("agent/run", ["agent": "priced", "input": "hi"], arguments: store, in: directory)
        let runId = try #require(answer["result", "runId"]?.stringValue, "\(answer.jsonString)")

        // 1000 input × $2.50 + 2 output × $10, per million.
        let runs = try await agentwire(["runs"] + store, in: directory)
        #expect(runs.rows.first.map { Array($0[6...7]) } == ["1000 in, 2 out", "$0.00252"], "\(runs.stdout)")
        let shown = try await agentwire(["show", runId] + store, in: directory)
        #expect(
            shown.lines.contains("Usage     1000 input + 2 output tokens, $0.00252, 1 model call (small)"),
            "\(shown.stdout)"
        )
    }
}
