import AgentCore
import Foundation
import JSONCore
import JSONRPC
import Testing

// Several `agentwire serve` processes on one PostgreSQL database (AGENTWIRE_TEST_POSTGRES_URL, which
// `scripts/postgres.sh ci-env` sets): a run started on one is listed, followed and cancelled from another;
// a server killed with SIGKILL leaves its runs to be interrupted by another once its lease expires, and
// resumed there. Without a database these tests are skipped and say why; CI sets AGENTWIRE_REQUIRE_POSTGRES,
// which makes the missing database a failure.

private let postgresURL = ProcessInfo.processInfo.environment["AGENTWIRE_TEST_POSTGRES_URL"].flatMap {
    $0.isEmpty ? nil : $0
}

/// A config with `slow` (an echo agent waiting `delayMs` before each token) whose store is the test database,
/// with a short lease so a dead server's runs are noticed quickly.
private func postgresConfig(in directory: StoreTestDirectory, url: String, delayMs: Int = 20) throws -> String {
    let path = directory.path("config.json")
    let config: JSONValue = [
        "agents": ["slow": ["provider": ["type": "echo", "delayMs": .int(Int64(delayMs))]]],
        "store": ["url": .string(url), "leaseTimeoutMs": 2000],
    ]
    try Data(config.jsonString.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

@Suite(
    .enabled(
        if: postgresURL != nil,
        "AGENTWIRE_TEST_POSTGRES_URL is not set: no PostgreSQL to test against (scripts/postgres.sh start)"
    )
)
struct PostgresServersTests {
    @Test func aRunOnOneServerIsFollowedAndCancelledFromAnother() async throws {
        let url = try #require(postgresURL)
        let directory = try StoreTestDirectory()
        let config = try postgresConfig(in: directory, url: url)
        let a = try TestClient(binaryArguments: ["--config", config])
        let b = try TestClient(binaryArguments: ["--config", config])
        // Credentials stay out of what a client is told.
        let password = URLComponents(string: url)?.password
        let initialized = try await a.request("initialize", [:])
        if let password, !password.isEmpty { #expect(!initialized.jsonString.contains(password)) }

        let (runId, replyIndex) = try await a.startDetached(["agent": "slow", "input": .string(.numberedWords(3000))])
        try await a.waitForTokens(runId: runId, count: 5)
        let status = try await b.storeResult("run/status", ["runId": .string(runId)])
        #expect(status["status"] == "running")
        #expect(status["live"] == false)

        // B follows A's run: the stored events, then each batch A writes as it is written.
        let followId = b.sendRequest("run/events", ["runId": .string(runId), "follow": true])
        try await b.waitForTokens(runId: runId, count: 20)
        let followed = b.runSeqs(runId)
        #expect(followed == seqRange(1, followed.last ?? 0))

        // B cancels A's run: A stops it and answers.
        let cancel = try await b.storeResult("run/cancel", ["runId": .string(runId)])
        #expect(cancel["cancelled"] == true, "\(cancel.jsonString)")
        let ended = try await a.awaitRunStatus(runId, timeout: .seconds(30))
        #expect(ended.message["result", "status"] == "cancelled", "\(ended.message.jsonString)")
        let follow = try await b.response(to: followId)
        #expect(follow.message["result", "status"] == "cancelled", "\(follow.message.jsonString)")
        #expect(b.runSeqs(runId) == a.runSeqs(runId), "the follow saw every event A sent, in order")
        _ = replyIndex
    }

    @Test func aKilledServersRunIsInterruptedByAnotherAndResumedThere() async throws {
        let url = try #require(postgresURL)
        let directory = try StoreTestDirectory()
        let config = try postgresConfig(in: directory, url: url)
        let survivor = try TestClient(binaryArguments: ["--config", config])
        _ = try await survivor.request("ping")
        let doomed = try TestClient(binaryArguments: ["--config", config])
        let input = String.numberedWords(300)  // six seconds at 20 ms a word, then again when resumed
        let (runId, _) = try await doomed.startDetached(["agent": "slow", "input": .string(input)])
        try await doomed.waitForTokens(runId: runId, count: 5)
        kill(try #require(doomed.binaryProcessID), SIGKILL)
        #expect(try await doomed.waitForExit() == 128 + SIGKILL)

        // Nobody asks: the survivor's heartbeat notices the lease has expired (2 s here) on its own.
        let interrupted = try await survivor.awaitRunStatus(runId, timeout: .seconds(30))
        #expect(interrupted.message["result", "status"] == "interrupted", "\(interrupted.message.jsonString)")

        let resumed = try await survivor.request("run/resume", ["runId": .string(runId)])
        let result = try #require(resumed["result"], "\(resumed.jsonString)")
        #expect(result["output"] == .string(input))
        let newRun = try #require(result["runId"]?.stringValue)
        let details = try await survivor.storeResult("run/get", ["runId": .string(newRun)])
        #expect(details["status"] == "completed")
        #expect(details["resumedFrom"] == .string(runId))
    }
}

/// What needs no database: a server that cannot reach one, and CI's promise to provide one.
@Suite struct PostgresStartupTests {
    @Test func anUnreachableDatabaseStopsTheServerWithinTenSecondsWithoutThePassword() async throws {
        let directory = try StoreTestDirectory()
        var environment = TestClient.binaryEnvironment
        environment["HOME"] = directory.path("home")
        let started = ContinuousClock.now
        // Port 1 on loopback: nothing listens there.
        let run = try await BinaryRun.run(
            ["serve", "--store", "postgres://agent:hunter2secret@127.0.0.1:1/agentwire_prod"],
            environment: environment,
            input: [],
            stderr: .pipe,
            timeout: .seconds(30)
        )
        let elapsed = ContinuousClock.now - started
        let message = String(decoding: run.stderr, as: UTF8.self)
        #expect(run.status != 0)
        // The connection deadline is 10 s; the rest is a loaded machine starting the process.
        #expect(elapsed < .seconds(20), "took \(elapsed)")
        #expect(message.contains("127.0.0.1") && message.contains("agentwire_prod"), "\(message)")
        #expect(!message.contains("hunter2secret"), "\(message)")
        #expect(run.stdout.isEmpty, "stdout carries protocol frames only")
    }
    @Test func ciHasADatabaseToTestAgainst() {
        let required = ProcessInfo.processInfo.environment["AGENTWIRE_REQUIRE_POSTGRES"] == "1"
        #expect(
            !required || postgresURL != nil,
            "AGENTWIRE_REQUIRE_POSTGRES=1 but AGENTWIRE_TEST_POSTGRES_URL is not set"
        )
    }
}
