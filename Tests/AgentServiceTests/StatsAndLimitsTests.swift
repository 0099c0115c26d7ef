import AgentCore
import AgentService
import Foundation
import JSONCore
import JSONRPC
import Testing

// `stats/get` and `stats/reset`, and the service limits: stale reaping, heartbeats, concurrency and rate
// limits.

/// The built-in config plus the given agents and limits (JSON members).
private func limitsConfig(agents: String = "", limits: String = "") throws -> AgentConfig {
    var members: [String] = []
    if !agents.isEmpty { members.append(#""agents": {\#(agents)}"#) }
    if !limits.isEmpty { members.append(#""limits": {\#(limits)}"#) }
    return try .mergedOverBuiltIns("{" + members.joined(separator: ", ") + "}", file: "limits-tests.json")
}

/// Agents for the limit tests: `slow` streams, `fragile` fails on its own call limit, `sleepy` stays silent.
private let limitsAgents = #"""
    "slow": {"provider": {"type": "echo", "delayMs": 50}},
    "fragile": {"provider": {"type": "echo", "delayMs": 10000}, "limits": {"timeoutMs": 100}},
    "sleepy": {"provider": {"type": "echo", "delayMs": 20000}}
    """#

/// `stats/get` once no run of this connection is in flight any more (a run's response can reach the client
/// just before the run is forgotten).
private func settledStats(_ client: TestClient, _ params: JSONValue? = nil) async throws -> JSONValue {
    for _ in 0..<500 {
        let reply = try await client.request("stats/get", params)
        if reply["result", "activeRuns"] == 0 || reply["error"] != nil { return reply }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("runs still active")
    return try await client.request("stats/get", params)
}

@Suite struct StatsAndLimitsTests {
    // MARK: Statistics

    @Test func statsCountAKnownMixPerAgentAndStrategy() async throws {
        let client = TestClient(config: try limitsConfig(agents: limitsAgents))
        // 3 echo runs that complete.
        for _ in 0..<3 {
            let reply = try await client.request("agent/run", ["agent": "echo", "input": "one two three"])
            #expect(reply["result", "stopReason"] == "end_turn")
        }
        // 1 slow run cancelled.
        let mark = client.messages.count
        let cancelledId = client.sendRequest("agent/run", ["agent": "slow", "input": .string(.numberedWords(100))])
        let (_, cancelledRun) = try await client.waitForRunStarted(from: mark)
        try await client.waitForTokens(runId: cancelledRun, count: 1)
        _ = try await client.request("run/cancel", ["runId": .string(cancelledRun)])
        let cancelled = try await client.response(to: cancelledId).message
        #expect(cancelled["result", "stopReason"] == "cancelled", "\(cancelled.jsonString)")
        // 1 fragile run that fails on its call limit.
        let failed = try await client.request("agent/run", ["agent": "fragile", "input": "never"])
        #expect(failed["error", "code"] == -32005, "\(failed.jsonString)")
        #expect(failed["error", "data", "stepId"] == "1")
        // 1 sequential workflow that completes (two echo calls) and 1 parallel one that fails: fragile fails
        // after 100 ms, which cancels slow (100 words at 50 ms each) mid-stream.
        let pipeline = try await client.request("workflow/run", ["workflow": "pipeline", "input": "draft"])
        #expect(pipeline["result", "output"] == "reviewed: draft")
        let parallel = try await client.request(
            "coordinator/parallel",
            ["input": .string(.numberedWords(100)), "tasks": [["agent": "fragile"], ["agent": "slow"]]]
        )
        #expect(parallel["error", "code"] == -32005, "\(parallel.jsonString)")

        let reply = try await settledStats(client)
        let stats = try #require(reply["result"], "\(reply.jsonString)")
        #expect(stats["activeRuns"] == 0)
        #expect(stats["windowSize"] == 1000)
        #expect(stats["since"]?.stringValue?.isEmpty == false)
        #expect(Set(stats["agents"]?.objectValue?.keys ?? []) == ["echo", "slow", "fragile"])

        let echo = try #require(stats["agents", "echo"])
        #expect(echo["sinceStart", "total"] == 5)
        #expect(echo["sinceStart", "active"] == 0)
        #expect(echo["sinceStart", "completed"] == 5)
        #expect(echo["sinceStart", "failed"] == 0)
        #expect(echo["sinceStart", "cancelled"] == 0)
        #expect(echo["sinceStart", "reaped"] == 0)
        #expect(echo["sinceStart", "successRate"]?.doubleValue == 1)
        // 3 x 3 words, then "draft" and "reviewed: draft".
        #expect(echo["sinceStart", "tokens"] == 12)
        #expect(echo["window", "runs"] == 5)
        #expect(echo["window", "completed"] == 5)
        #expect(echo["window", "successRate"]?.doubleValue == 1)
        #expect(echo["window", "tokens"] == 12)

        let slow = try #require(stats["agents", "slow"])
        #expect(slow["sinceStart", "total"] == 2)
        #expect(slow["sinceStart", "cancelled"] == 2)
        #expect(slow["sinceStart", "completed"] == 0)
        #expect(slow["sinceStart", "failed"] == 0)
        #expect(slow["sinceStart", "successRate"]?.doubleValue == 0)
        #expect(slow["window", "runs"] == 2)
        #expect(slow["window", "cancelled"] == 2)

        let fragile = try #require(stats["agents", "fragile"])
        #expect(fragile["sinceStart", "total"] == 2)
        #expect(fragile["sinceStart", "failed"] == 2)
        #expect(fragile["sinceStart", "completed"] == 0)
        #expect(fragile["sinceStart", "successRate"]?.doubleValue == 0)
        #expect(fragile["sinceStart", "tokens"] == 0)
        #expect(fragile["window", "runs"] == 2)
        #expect(fragile["window", "failed"] == 2)
        #expect(fragile["window", "successRate"]?.doubleValue == 0)

        #expect(Set(stats["strategies"]?.objectValue?.keys ?? []) == ["sequential", "parallel"])
        let sequential = try #require(stats["strategies", "sequential"])
        #expect(sequential["sinceStart", "total"] == 1)
        #expect(sequential["sinceStart", "completed"] == 1)
        #expect(sequential["sinceStart", "successRate"]?.doubleValue == 1)
        #expect(sequential["sinceStart", "tokens"] == 3)
        #expect(sequential["window", "runs"] == 1)
        let parallelStats = try #require(stats["strategies", "parallel"])
        #expect(parallelStats["sinceStart", "total"] == 1)
        #expect(parallelStats["sinceStart", "failed"] == 1)
        #expect(parallelStats["sinceStart", "completed"] == 0)
        #expect(parallelStats["sinceStart", "successRate"]?.doubleValue == 0)
        #expect(parallelStats["window", "runs"] == 1)
        #expect(parallelStats["window", "failed"] == 1)

        // Durations are summarised consistently.
        for entry in [echo, slow, fragile, sequential, parallelStats] {
            let p50 = entry["window", "p50DurationMs"]?.integerValue ?? -1
            let p95 = entry["window", "p95DurationMs"]?.integerValue ?? -1
            let p99 = entry["window", "p99DurationMs"]?.integerValue ?? -1
            #expect(0 <= p50 && p50 <= p95 && p95 <= p99)
            #expect((entry["sinceStart", "avgDurationMs"]?.doubleValue ?? -1) >= 0)
        }
    }

    @Test func statsForOneAgentLeaveOutTheOthersAndTheStrategies() async throws {
        let client = TestClient()
        _ = try await client.request("agent/run", ["agent": "echo", "input": "a b"])
        _ = try await client.request("workflow/run", ["workflow": "fanout", "input": "c"])
        let reply = try await settledStats(client, ["agent": "echo-thinking"])
        let stats = try #require(reply["result"], "\(reply.jsonString)")
        #expect(stats["agents"]?.objectValue?.keys == ["echo-thinking"])
        #expect(stats["agents", "echo-thinking", "sinceStart", "total"] == 1)
        #expect(stats["strategies"] == nil)
        // Positional.
        let positional = try await client.request("stats/get", ["echo"])
        #expect(positional["result", "agents", "echo", "sinceStart", "total"] == 2, "\(positional.jsonString)")
        // A known agent that has not run: no entry.
        let idle = try await client.request("stats/get", ["agent": "echo-slow"])
        #expect(idle["result", "agents"] == .object([:]), "\(idle.jsonString)")
    }

    @Test func statsForAnUnknownAgentIsNotFound() async throws {
        let client = TestClient()
        let reply = try await client.request("stats/get", ["agent": "ghost"])
        #expect(reply["error", "code"] == -32001, "\(reply.jsonString)")
        #expect(reply["error", "data", "agent"] == "ghost")
        #expect(reply["error", "data", "available"]?.arrayValue?.contains("echo") == true)
        let malformed = try await client.request("stats/get", ["agent": 3])
        #expect(malformed["error", "code"] == -32602)
        #expect(malformed["error", "data", "field"] == "params.agent")
    }

    @Test func statsResetZeroesEverything() async throws {
        let client = TestClient()
        _ = try await client.request("agent/run", ["agent": "echo", "input": "a b"])
        _ = try await client.request("workflow/run", ["workflow": "pipeline", "input": "c"])
        let before = try await settledStats(client)
        #expect(before["result", "agents", "echo", "sinceStart", "total"] == 3)
        let since = try #require(before["result", "since"]?.stringValue)

        let reset = try await client.request("stats/reset")
        #expect(reset["result"] == ["reset": true], "\(reset.jsonString)")
        let after = try await client.request("stats/get")
        let stats = try #require(after["result"], "\(after.jsonString)")
        #expect(stats["agents"] == .object([:]))
        #expect(stats["strategies"] == .object([:]))
        #expect(stats["activeRuns"] == 0)
        let newSince = try #require(stats["since"]?.stringValue)
        #expect(newSince >= since)

        // Counting starts again from zero.
        _ = try await client.request("agent/run", ["agent": "echo", "input": "again"])
        let counted = try await settledStats(client)
        #expect(counted["result", "agents", "echo", "sinceStart", "total"] == 1)
        #expect(counted["result", "agents", "echo", "sinceStart", "tokens"] == 1)
        #expect(counted["result", "agents", "echo", "window", "runs"] == 1)
    }

    @Test func resetKeepsARunInFlightActiveAndCountsItWhenItEnds() async throws {
        let client = TestClient(config: try limitsConfig(agents: limitsAgents))
        let id = client.sendRequest("agent/run", ["agent": "slow", "input": .string(.numberedWords(40))])
        let (_, runId) = try await client.waitForRunStarted()
        try await client.waitForTokens(runId: runId, count: 1)
        _ = try await client.request("stats/reset")
        let during = try await client.request("stats/get")
        #expect(during["result", "agents", "slow", "sinceStart", "active"] == 1, "\(during.jsonString)")
        #expect(during["result", "agents", "slow", "sinceStart", "total"] == 0)
        #expect(during["result", "activeRuns"] == 1)
        // Nothing has finished since the reset: no success rate rather than a perfect one.
        #expect(during["result", "agents", "slow", "sinceStart", "successRate"] == .null, "\(during.jsonString)")
        #expect(during["result", "agents", "slow", "window", "successRate"] == .null)
        _ = try await client.response(to: id)
        let after = try await settledStats(client)
        #expect(after["result", "agents", "slow", "sinceStart", "active"] == 0, "\(after.jsonString)")
        #expect(after["result", "agents", "slow", "sinceStart", "completed"] == 1)
    }

    @Test func windowKeepsOnlyTheMostRecentRuns() async throws {
        let client = TestClient(config: try limitsConfig(limits: #""statsWindow": 2"#))
        for input in ["a", "b c", "d e f"] {
            _ = try await client.request("agent/run", ["agent": "echo", "input": .string(input)])
        }
        let reply = try await settledStats(client)
        let echo = try #require(reply["result", "agents", "echo"], "\(reply.jsonString)")
        #expect(reply["result", "windowSize"] == 2)
        #expect(echo["sinceStart", "total"] == 3)
        #expect(echo["sinceStart", "tokens"] == 6)
        #expect(echo["window", "runs"] == 2)
        #expect(echo["window", "tokens"] == 5)
    }

    // MARK: Stale runs

    @Test func aStaleAgentRunIsReaped() async throws {
        let client = TestClient(config: try limitsConfig(agents: limitsAgents, limits: #""staleAfterSeconds": 1"#))
        let reply = try await client.request("agent/run", ["agent": "sleepy", "input": "zzz"])
        let error = try #require(reply["error"], "\(reply.jsonString)")
        #expect(error["code"] == -32005)
        #expect(error["data", "reason"] == "stale")
        #expect(error["data", "retryable"] == true)
        #expect(error["data", "suggestions"]?.arrayValue?.isEmpty == false)
        #expect(error["data", "partialOutput"] == "")
        #expect(
            error["data"]?.objectValue?.keys == [
                "runId", "retryable", "suggestions", "partialOutput", "reason", "usage",
            ]
        )
        let runId = try #require(error["data", "runId"]?.stringValue)
        #expect(client.notifications("run/started").first?["params", "runId"] == .string(runId))

        let stats = try await settledStats(client)
        let sleepy = try #require(stats["result", "agents", "sleepy"], "\(stats.jsonString)")
        #expect(sleepy["sinceStart", "reaped"] == 1)
        // Reaped agent calls are also counted as cancelled.
        #expect(sleepy["sinceStart", "cancelled"] == 1)
        #expect(sleepy["sinceStart", "active"] == 0)
        #expect(stats["result", "activeRuns"] == 0)
    }

    @Test func aStaleWorkflowRunIsReapedAndCountedAsFailed() async throws {
        // 4 s, not 1: on a loaded machine the run may wait that long before its echo step has streamed, and
        // would be reaped with nothing to show; `sleepy` stays silent for 20 s either way.
        let client = TestClient(config: try limitsConfig(agents: limitsAgents, limits: #""staleAfterSeconds": 4"#))
        let reply = try await client.request(
            "coordinator/sequential",
            ["input": "zzz", "steps": [["agent": "echo"], ["agent": "sleepy"]]]
        )
        let error = try #require(reply["error"], "\(reply.jsonString)")
        #expect(error["code"] == -32005)
        #expect(error["data", "reason"] == "stale")
        #expect(error["data", "partialOutput"] == "zzz")

        let stats = try await settledStats(client)
        let sequential = try #require(stats["result", "strategies", "sequential"], "\(stats.jsonString)")
        #expect(sequential["sinceStart", "reaped"] == 1)
        #expect(sequential["sinceStart", "active"] == 0)
        // The contract (StatsEntry.reaped): reaped runs are also counted as failed for strategies.
        #expect(sequential["sinceStart", "failed"] == 1, "\(sequential.jsonString)")
        #expect(sequential["sinceStart", "cancelled"] == 0, "\(sequential.jsonString)")
    }

    @Test func aSlowButActiveRunIsNotReaped() async throws {
        // Tokens every 50 ms keep an 8 s run alive past a 4 s stale limit (wide margins: a loaded machine
        // may pause a run for a second or two).
        let client = TestClient(config: try limitsConfig(agents: limitsAgents, limits: #""staleAfterSeconds": 4"#))
        let input = String.numberedWords(160)
        let reply = try await client.request("agent/run", ["agent": "slow", "input": .string(input)])
        #expect(reply["result", "output"] == .string(input), "\(reply.jsonString)")
        #expect(reply["result", "stopReason"] == "end_turn")
    }

    // MARK: Heartbeats

    @Test func heartbeatsArriveDuringARun() async throws {
        let client = TestClient(config: try limitsConfig(agents: limitsAgents, limits: #""heartbeatSeconds": 0.05"#))
        let id = client.sendRequest("agent/run", ["agent": "slow", "input": .string(.numberedWords(10))])
        let (_, runId) = try await client.waitForRunStarted()
        let beat = try await client.waitFor { $0["method"] == "run/heartbeat" }
        #expect(beat.message["params", "runId"] == .string(runId))
        #expect(Set(beat.message["params"]?.objectValue?.keys ?? []) == ["runId", "seq"])
        let response = try await client.response(to: id)
        #expect(response.message["result", "stopReason"] == "end_turn")
        let run = client.runNotifications(runId)
        // Heartbeats share the run's seq counter and come before its response.
        let seqs = run.compactMap { $0.message["params", "seq"]?.integerValue }
        #expect(zip(seqs, seqs.dropFirst()).allSatisfy { $0 < $1 })
        #expect(beat.index < response.index)
        #expect(run.allSatisfy { $0.index < response.index })
        // None after the run ended.
        try await Task.sleep(for: .milliseconds(200))
        #expect(client.notifications("run/heartbeat").allSatisfy { $0["params", "runId"] == .string(runId) })
        #expect(client.messages[(response.index + 1)...].allSatisfy { $0["method"] != "run/heartbeat" })
    }

    // MARK: Admission

    @Test func aThirdConcurrentRunIsRefusedAsOverloaded() async throws {
        let client = TestClient(config: try limitsConfig(agents: limitsAgents, limits: #""maxConcurrentRuns": 2"#))
        let first = client.sendRequest("agent/run", ["agent": "slow", "input": .string(.numberedWords(200))])
        let second = client.sendRequest("agent/run", ["agent": "slow", "input": .string(.numberedWords(200))])
        var runIds: [String] = []
        _ = try await client.waitFor { message in
            if message["method"] == "run/started", let id = message["params", "runId"]?.stringValue {
                runIds.append(id)
            }
            return runIds.count == 2
        }
        let third = try await client.request("agent/run", ["agent": "echo", "input": "one more"])
        let error = try #require(third["error"], "\(third.jsonString)")
        #expect(error["code"] == -32007)
        #expect(error["data", "retryable"] == true)
        #expect(error["data", "limit"] == 2)
        #expect(error["data", "suggestions"]?.arrayValue?.isEmpty == false)
        // Every run-starting request is admitted the same way.
        let workflow = try await client.request("workflow/run", ["workflow": "pipeline", "input": "x"])
        #expect(workflow["error", "code"] == -32007, "\(workflow.jsonString)")
        #expect(client.notifications("run/started").count == 2)

        for runId in runIds { _ = try await client.request("run/cancel", ["runId": .string(runId)]) }
        #expect(try await client.response(to: first).message["result", "stopReason"] == "cancelled")
        #expect(try await client.response(to: second).message["result", "stopReason"] == "cancelled")
    }

    @Test func theRateLimitRefusesTheThirdRunWithRetryAfter() async throws {
        let client = TestClient(config: try limitsConfig(limits: #""requestsPerMinute": 2"#))
        let one = try await client.request("agent/run", ["agent": "echo", "input": "one"])
        #expect(one["result", "output"] == "one")
        let two = try await client.request("workflow/run", ["workflow": "pipeline", "input": "two"])
        #expect(two["result", "output"] == "reviewed: two")
        let three = try await client.request("agent/run", ["agent": "echo", "input": "three"])
        let error = try #require(three["error"], "\(three.jsonString)")
        #expect(error["code"] == -32006)
        #expect(error["data", "retryable"] == true)
        #expect(error["data", "limit"] == 2)
        #expect(error["data"]?.objectValue?.keys == ["retryable", "suggestions", "limit", "retryAfterMs"])
        let retryAfter = try #require(error["data", "retryAfterMs"]?.integerValue)
        #expect(retryAfter > 0 && retryAfter <= 60_000)
        #expect(error["data", "suggestions"]?.arrayValue?.isEmpty == false)
        // Refused requests are not counted: still refused, not with a later retry time than a minute.
        let four = try await client.request("agent/run", ["agent": "echo", "input": "four"])
        #expect(four["error", "code"] == -32006)
        #expect(client.notifications("run/started").count == 2)
        // Other requests are not limited.
        #expect(try await client.request("ping")["result"] == .object([:]))
        #expect(try await client.request("agents/list")["result"] != nil)
    }
}
