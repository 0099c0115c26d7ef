import FakeModelServer
import Foundation
import Testing

// `agentwire run` through the built binary: its summary line on stderr gives the run's cost when the
// config prices the model, and none otherwise.

/// A config pricing model `small` ($2.50 input, $10 output per million) for `priced` on `server`, and
/// `twice`, two `priced` steps in turn.
private func writePricedConfig(_ server: FakeModelServer, in directory: StoreTestDirectory) throws -> String {
    let path = directory.path("priced.json")
    try Data(
        """
        {"pricing": {"small": {"inputPerMillion": 2.5, "outputPerMillion": 10}},
         "agents": {"priced": {"provider": {"type": "openai", "baseURL": "\(server.baseURL)", "model": "small",
                                            "retries": 0}}},
         "workflows": {"twice": {"strategy": "sequential", "steps": [{"agent": "priced"}, {"agent": "priced"}]}}}
        """.utf8
    ).write(to: URL(fileURLWithPath: path))
    return path
}

/// The stderr line the run ended with (`done: …`).
private func summaryLine(_ printed: Printed) -> String? {
    printed.stderr.split(separator: "\n").map(String.init).last { $0.hasPrefix("done: ") }
}

@Suite struct RunCommandCostTests {
    @Test func aPricedRunPrintsItsCostInTheSummaryLine() async throws {
        let server = try await FakeModelServer.start { _ in
            let body =
                StreamScript.eventStreamHead + StreamScript.roleChunk
                + ["all ", "fine"].map(StreamScript.content).joined() + StreamScript.finish()
                + StreamScript.usage(prompt: 1000, completion: 2) + StreamScript.done
            return [.send(Array(body.utf8))]
        }
        defer { Task { await server.stop() } }
        let directory = try StoreTestDirectory()
        let config = try writePricedConfig(server, in: directory)

        let agent = try await agentwire(
            ["run", "--store", "memory", "--config", config, "priced", "hi"],
            in: directory
        )
        #expect(agent.status == 0, "\(agent.stderr)")
        #expect(agent.stdout == "all fine\n")
        // 1000 input × $2.50 + 2 output × $10, per million.
        let line = try #require(summaryLine(agent), "\(agent.stderr)")
        #expect(line.hasPrefix("done: 1000 input + 2 output tokens, $0.00252 in "), "\(line)")

        // A workflow's line gives the sum of its calls.
        let workflow = try await agentwire(
            ["run", "--store", "memory", "--config", config, "--workflow", "twice", "hi"],
            in: directory
        )
        #expect(workflow.status == 0, "\(workflow.stderr)")
        let summed = try #require(summaryLine(workflow), "\(workflow.stderr)")
        #expect(summed.hasPrefix("done: 2000 input + 4 output tokens, $0.00504 in "), "\(summed)")
    }

    @Test func anUnpricedRunPrintsNoCost() async throws {
        let directory = try StoreTestDirectory()
        let echo = try await agentwire(["run", "--store", "memory", "echo", "a", "b", "c"], in: directory)
        #expect(echo.status == 0, "\(echo.stderr)")
        #expect(echo.stdout == "a b c\n")
        let line = try #require(summaryLine(echo), "\(echo.stderr)")
        #expect(line.hasPrefix("done: 3 tokens in "), "\(line)")
        #expect(!echo.stderr.contains("$"), "\(echo.stderr)")
    }
}
