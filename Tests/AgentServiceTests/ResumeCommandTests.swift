import Foundation
import JSONCore
import Testing

// `agentwire run` keeping its runs in the run store, and `agentwire resume` doing a failed one again,
// through the built binary (`agentwire(_:in:)` and `Printed` are RunsCommandTests').

/// A config whose workflow `flow` runs `echo`, then `second`: an echo agent that times out (200 ms
/// for a 50 ms limit) unless `fixed`, when it answers at once. `flow` is the same either way; `changed`
/// gives its second step a transform.
private func writeConfig(
    _ name: String,
    fixed: Bool,
    changed: Bool = false,
    in directory: StoreTestDirectory
)
    throws -> String
{
    let path = directory.path(name)
    let second =
        fixed
        ? #"{"provider": {"type": "echo", "delayMs": 1}, "limits": {"timeoutMs": 60000}}"#
        : #"{"provider": {"type": "echo", "delayMs": 200}, "limits": {"timeoutMs": 50}}"#
    let transform = changed ? #", "transform": "again: {{input}}""# : ""
    try Data(
        """
        {"agents": {"second": \(second)},
         "workflows": {"flow": {"strategy": "sequential",
                                "steps": [{"agent": "echo"}, {"agent": "second"\(transform)}]}}}
        """.utf8
    ).write(to: URL(fileURLWithPath: path))
    return path
}

/// The JSON lines of `printed`'s stdout.
private func jsonLines(_ printed: Printed) throws -> [JSONValue] {
    try printed.lines.map { try JSONValue.parse(Array($0.utf8)) }
}

/// `stepId status` of each `run/step` among `lines`.
private func steps(_ lines: [JSONValue]) -> [String] {
    lines.filter { $0["method"] == "run/step" }.map {
        "\($0["params", "stepId"]?.stringValue ?? "") \($0["params", "status"]?.stringValue ?? "")"
    }
}

@Suite struct ResumeCommandTests {
    @Test func runKeepsItsRunsWhereRunsAndShowFindThem() async throws {
        let directory = try StoreTestDirectory()
        let store = ["--store", directory.path("runs.sqlite")]
        let echo = try await agentwire(["run"] + store + ["echo", "hello", "brave", "world"], in: directory)
        #expect(echo.status == 0, "\(echo.stderr)")
        #expect(echo.stdout == "hello brave world\n")
        let workflow = try await agentwire(["run", "--workflow", "pipeline"] + store + ["ship", "it"], in: directory)
        #expect(workflow.status == 0, "\(workflow.stderr)")

        let runs = try await agentwire(["runs"] + store, in: directory)
        #expect(runs.status == 0, "\(runs.stderr)")
        #expect(
            runs.rows.map { Array($0[1...3]) } == [
                ["completed", "workflow", "pipeline"], ["completed", "agent", "echo"],
            ]
        )
        // The summary line names the run it kept.
        let echoId = try #require(runs.rows.last?.first)
        #expect(echo.stderr.contains("(\(echoId))"), "\(echo.stderr)")

        let shown = try await agentwire(["show", echoId] + store, in: directory)
        #expect(shown.lines.contains("Input     hello brave world"), "\(shown.stdout)")
        #expect(shown.lines.suffix(2) == ["Output", "hello brave world"])
        let workflowId = try #require(runs.rows.first?.first)
        let shownWorkflow = try await agentwire(["show", workflowId] + store, in: directory)
        #expect(shownWorkflow.lines.contains("Workflow  pipeline (sequential)"), "\(shownWorkflow.stdout)")
        #expect(shownWorkflow.stdout.hasSuffix("Output\nreviewed: ship it\n"), "\(shownWorkflow.stdout)")

        // --store memory keeps nothing; without --store, the default store (serve's) keeps it.
        let unkept = try await agentwire(["run", "--store", "memory", "echo", "gone"], in: directory)
        #expect(unkept.status == 0)
        #expect(try await agentwire(["runs"] + store, in: directory).rows.count == 2)
        let kept = try await agentwire(["run", "echo", "kept"], in: directory)
        #expect(kept.status == 0)
        let defaultRuns = try await agentwire(["runs"], in: directory)
        #expect(defaultRuns.rows.count == 1, "\(defaultRuns.stdout)")
        #expect(defaultRuns.rows.first.map { kept.stderr.contains($0[0]) } == true, "\(kept.stderr)")
    }

    @Test func aFailedWorkflowIsResumedWithItsCompletedStepReused() async throws {
        let directory = try StoreTestDirectory()
        let store = ["--store", directory.path("runs.sqlite")]
        let failing = try writeConfig("failing.json", fixed: false, in: directory)
        let failed = try await agentwire(
            ["run", "--config", failing, "--workflow", "flow"] + store + ["ship", "it"],
            in: directory
        )
        #expect(failed.status == 1, "\(failed.stderr)")
        #expect(failed.stdout == "ship it\n", "the partial output: step 1.1's")
        let runs = try await agentwire(["runs"] + store, in: directory)
        let original = try #require(runs.rows.first?.first)
        #expect(runs.rows.first?[1] == "failed")
        #expect(failed.stderr.contains("`agentwire resume \(original)`"), "\(failed.stderr)")

        // The agent is fixed; the workflow is the same, so no --force is needed.
        let fixed = try writeConfig("fixed.json", fixed: true, in: directory)
        let resumed = try await agentwire(["resume", "--config", fixed, original] + store, in: directory)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout == "ship it\n")
        let stderr = resumed.stderr.split(separator: "\n").map(String.init)
        #expect(stderr.contains { $0.hasPrefix("[1.1 echo] reused") }, "\(resumed.stderr)")
        #expect(stderr.contains { $0.hasPrefix("[1.2 second] completed") }, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resumed from \(original))"), "\(resumed.stderr)")

        // Resumed again (the original is still failed), as JSON lines: the notifications, then the result.
        let json = try await agentwire(["resume", "--json", "--config", fixed, original] + store, in: directory)
        #expect(json.status == 0, "\(json.stderr)")
        let lines = try jsonLines(json)
        let started = try #require(lines.first)
        #expect(started["method"] == "run/started")
        #expect(started["params", "resumedFrom"] == .string(original))
        #expect(steps(lines) == ["1 started", "1.1 reused", "1.2 started", "1.2 completed", "1 completed"])
        let result = try #require(lines.last)
        #expect(result["output"] == "ship it")
        #expect(result["branches"]?.arrayValue?.map { $0["status"] } == ["reused", "completed"])
        let newId = try #require(result["runId"]?.stringValue)

        let shown = try await agentwire(["show", newId] + store, in: directory)
        #expect(shown.lines.contains("Resumed from  \(original)"), "\(shown.stdout)")
        let reusedStep = try #require(shown.lines.first { $0.hasPrefix("  1.1 ") }, "\(shown.stdout)")
        #expect(reusedStep.split(separator: " ").prefix(3) == ["1.1", "echo", "reused"])
        let listed = try await agentwire(["runs", "--json"] + store, in: directory)
        let newest = try JSONValue.parse(Array(listed.stdout.utf8))["runs"]?.arrayValue?.first
        #expect(newest?["runId"] == .string(newId))
        #expect(newest?["resumedFrom"] == .string(original))
        #expect(newest?["status"] == "completed")
    }

    @Test func aChangedWorkflowIsRefusedUnlessForced() async throws {
        let directory = try StoreTestDirectory()
        let store = ["--store", directory.path("runs.sqlite")]
        let failing = try writeConfig("failing.json", fixed: false, in: directory)
        let failed = try await agentwire(
            ["run", "--json", "--config", failing, "--workflow", "flow"] + store + ["ship", "it"],
            in: directory
        )
        #expect(failed.status == 1)
        let error = try #require(try jsonLines(failed).last)
        let original = try #require(error["error", "data", "runId"]?.stringValue, "\(failed.stdout)")

        let changed = try writeConfig("changed.json", fixed: true, changed: true, in: directory)
        let refused = try await agentwire(["resume", "--config", changed, original] + store, in: directory)
        #expect(refused.status == 2)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderr.contains("workflow 'flow' changed since run '\(original)' ran"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--force"), "\(refused.stderr)")
        let refusedJSON = try await agentwire(
            ["resume", "--json", "--config", changed, original] + store,
            in: directory
        )
        #expect(refusedJSON.status == 2)
        #expect(try jsonLines(refusedJSON).first?["error", "data", "reason"] == "definitionChanged")

        let forced = try await agentwire(
            ["resume", "--force", "--config", changed, original] + store,
            in: directory
        )
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stdout == "again: ship it\n")
        #expect(forced.stderr.contains("[1.1 echo] reused"), "\(forced.stderr)")
    }

    @Test func aCompletedRunOrAnUnknownOneIsAUsageError() async throws {
        let directory = try StoreTestDirectory()
        let store = ["--store", directory.path("runs.sqlite")]
        let done = try await agentwire(["run", "--json", "echo", "hi"] + store, in: directory)
        let runId = try #require(try jsonLines(done).last?["runId"]?.stringValue)

        let completed = try await agentwire(["resume", runId] + store, in: directory)
        #expect(completed.status == 2)
        #expect(completed.stdout.isEmpty)
        #expect(
            completed.stderr.contains("run '\(runId)' completed; there is nothing to resume"),
            "\(completed.stderr)"
        )
        let completedJSON = try await agentwire(["resume", "--json", runId] + store, in: directory)
        #expect(completedJSON.status == 2)
        let refusal = try #require(try jsonLines(completedJSON).first)
        #expect(refusal["error", "code"] == -32602)
        #expect(refusal["error", "data", "reason"] == "completed")

        let unknown = try await agentwire(["resume", "run_0000000000000000"] + store, in: directory)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("Unknown run 'run_0000000000000000'"), "\(unknown.stderr)")
        #expect(unknown.stderr.contains("agentwire runs"), "\(unknown.stderr)")
        let none = try await agentwire(
            ["resume", "run_0000000000000000", "--store", directory.path("none.sqlite")],
            in: directory
        )
        #expect(none.status == 2)
        #expect(!FileManager.default.fileExists(atPath: directory.path("none.sqlite")))
    }

    /// Ctrl-C: the run is kept as cancelled, and can be resumed.
    @Test func anInterruptedRunIsKeptCancelledAndResumes() async throws {
        let directory = try StoreTestDirectory()
        let config = directory.path("slow.json")
        let steps = #"[{"agent": "echo"}, {"agent": "echo-slow"}]"#
        try Data(#"{"workflows": {"slow": {"strategy": "sequential", "steps": \#(steps)}}}"#.utf8)
            .write(to: URL(fileURLWithPath: config))
        var environment = TestClient.binaryEnvironment
        environment["XDG_STATE_HOME"] = directory.path("state")
        let store = ["--store", directory.path("runs.sqlite"), "--config", config]
        let words = (1...40).map { "w\($0)" }
        let run = try await BinaryRun.run(
            ["run", "--workflow", "slow"] + store + words,
            environment: environment,
            input: [],
            stderr: .pipe,
            interruptAfter: .milliseconds(300)
        )
        #expect(run.status == 130, "\(String(decoding: run.stderr, as: UTF8.self))")

        let runs = try await agentwire(["runs"] + store, in: directory)
        let row = try #require(runs.rows.first, "\(runs.stderr)")
        #expect(Array(row[1...3]) == ["cancelled", "workflow", "slow"])
        let resumed = try await agentwire(["resume", "--quiet", row[0]] + store, in: directory)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.hasSuffix("w39 w40\n"), "\(resumed.stdout)")
        #expect(resumed.stderr.isEmpty, "\(resumed.stderr)")
    }

    @Test func aStoreThatCannotBeOpenedIsAWarningUnlessNamed() async throws {
        let directory = try StoreTestDirectory()
        // A file where the state directory should be: the default store cannot be created.
        try Data().write(to: URL(fileURLWithPath: directory.path("state")))
        let warned = try await agentwire(["run", "echo", "hi"], in: directory)
        #expect(warned.status == 0, "\(warned.stderr)")
        #expect(warned.stdout == "hi\n")
        let warnings = warned.stderr.split(separator: "\n").filter { $0.contains("Warning:") }
        #expect(warnings.count == 1, "\(warned.stderr)")
        #expect(warned.stderr.contains("Cannot open the run store at"), "\(warned.stderr)")
        #expect(warned.stderr.contains("not kept"), "\(warned.stderr)")

        let named = try await agentwire(
            ["run", "--store", directory.path("state/runs.sqlite"), "echo", "hi"],
            in: directory
        )
        #expect(named.status == 1)
        #expect(named.stdout.isEmpty, "nothing ran")
        #expect(named.stderr.contains("Cannot open the run store at"), "\(named.stderr)")
    }
}
