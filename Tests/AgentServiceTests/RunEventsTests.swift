import AgentCore
import AgentService
import AgentStore
import Foundation
import JSONCore
import JSONRPC
import Testing

// `run/events` of the run store, in process: pages after `afterSeq`, events kept whatever was streamed, and
// `follow` while the run streams and after it ended. Most tests run on a SQLite file and on the memory store.

@Suite struct RunEventsTests {
    // MARK: run/events pages

    @Test(arguments: RunStoreKind.allCases)
    func eventPagesAreTheLiveNotificationsAfterAfterSeq(kind: RunStoreKind) async throws {
        let directory = try StoreTestDirectory()
        let client = TestClient(store: try kind.open(in: directory))
        let words = 40
        let (_, runId) = try await client.requestRun(
            "agent/run",
            ["agent": "echo-thinking", "input": .string(.numberedWords(words))]
        )
        let live = client.runNotifications(runId)
        let total = Int64(words + 4)  // started, step, thinking, tokens, step
        #expect(live.map { $0.message["params", "seq"]?.integerValue ?? 0 } == seqRange(1, total))

        // All of them, byte for byte as sent.
        let replyId = client.sendRequest("run/events", ["runId": .string(runId), "limit": 10_000])
        let reply = try await client.response(to: replyId)
        let page = try #require(reply.message["result"], "\(reply.message.jsonString)")
        let lines = client.rawLines
        try #require(lines.count >= reply.index + 1)
        let events = page["events"]?.arrayValue ?? []
        #expect(events.seqs == seqRange(1, total))
        expectEventsMatchLive(events, live: live, liveLines: lines, replyLine: lines[reply.index])
        #expect(page["lastSeq"] == .int(total))
        #expect(page["hasMore"] == false)
        #expect(page["status"] == "completed")
        #expect(page.objectValue?.keys == ["runId", "events", "lastSeq", "hasMore", "status"])

        // After any afterSeq: exactly the later ones. Positional [runId, afterSeq] too.
        var random = SeededGenerator(seed: 42)
        let afterSeqs: [Int64] =
            [0, 1, total - 1, total, total + 10] + (0..<8).map { _ in .random(in: 0...total, using: &random) }
        for afterSeq in afterSeqs {
            let page = try await client.storeResult(
                "run/events",
                ["runId": .string(runId), "afterSeq": .int(afterSeq)]
            )
            let events = page["events"]?.arrayValue ?? []
            #expect(events.seqs == seqRange(afterSeq + 1, total), "afterSeq \(afterSeq)")
            expectEventsMatchLive(events, live: live, liveLines: lines, replyLine: nil)
            #expect(page["lastSeq"] == .int(afterSeq < total ? total : afterSeq))
            #expect(page["hasMore"] == false)
            let positional = try await client.storeResult("run/events", [.string(runId), .int(afterSeq)])
            #expect(positional["events"] == page["events"])
        }

        // Pages of `limit`, continued from lastSeq while hasMore.
        for limit in [1, 3, 7, Int(total) - 1, Int(total), Int(total) + 1] {
            var afterSeq: Int64 = 0
            var seen: [JSONValue] = []
            var pages = 0
            while pages < 1000 {
                let page = try await client.storeResult(
                    "run/events",
                    ["runId": .string(runId), "afterSeq": .int(afterSeq), "limit": .int(limit)]
                )
                let events = page["events"]?.arrayValue ?? []
                #expect(events.count <= limit)
                seen += events
                afterSeq = page["lastSeq"]?.integerValue ?? -1
                pages += 1
                if page["hasMore"] != true { break }
                #expect(events.count == limit, "a page with more after it is full")
            }
            #expect(seen == events, "limit \(limit)")
            #expect(pages == (Int(total) + limit - 1) / limit, "limit \(limit)")
        }
    }

    @Test(arguments: RunStoreKind.allCases)
    func everyEventIsKeptWhateverTheStreamOptions(kind: RunStoreKind) async throws {
        let directory = try StoreTestDirectory()
        let client = TestClient(config: try storeTestConfig(delayMs: 2), store: try kind.open(in: directory))
        let input = String.numberedWords(60)

        // Nothing but run/started streamed.
        let (_, quiet) = try await client.requestRun(
            "agent/run",
            [
                "agent": "echo-thinking", "input": .string(input),
                "stream": ["tokens": false, "thinking": false, "steps": false],
            ]
        )
        #expect(client.runNotifications(quiet).count == 1)
        let quietEvents = try await client.storedEvents(quiet)
        #expect(quietEvents.seqs == seqRange(1, 64))
        #expect(quietEvents.filter { $0["method"] == "run/token" }.count == 60)
        #expect(quietEvents.filter { $0["method"] == "run/thinking" }.count == 1)
        #expect(quietEvents.filter { $0["method"] == "run/step" }.count == 2)
        #expect(quietEvents.first?["params"] == client.runNotifications(quiet).first?.message["params"])

        // Tokens merged live, one event per token kept.
        let (_, merged) = try await client.requestRun(
            "agent/run",
            ["agent": "slow", "input": .string(input), "stream": ["tokenCoalesceMs": 15]]
        )
        let liveTokens = client.runNotificationParams(merged, method: "run/token")
        #expect(liveTokens.count < 60)
        let events = try await client.storedEvents(merged)
        #expect(events.seqs == seqRange(1, 63))
        let tokens = events.filter { $0["method"] == "run/token" }
        #expect(tokens.count == 60)
        #expect(tokens.compactMap { $0["params", "text"]?.stringValue }.joined() == input)
        // Each merged notification carries the seq of the last token it merged.
        let tokenSeqs = Set(tokens.compactMap { $0["seq"]?.integerValue })
        #expect(liveTokens.allSatisfy { tokenSeqs.contains($0["seq"]?.integerValue ?? -1) })
    }

    @Test(arguments: RunStoreKind.allCases)
    func eventsOfARunningRunHaveNoGapAndReachWhatWasStreamed(kind: RunStoreKind) async throws {
        let directory = try StoreTestDirectory()
        let client = TestClient(config: try storeTestConfig(delayMs: 5), store: try kind.open(in: directory))
        let (runId, _) = try await client.startDetached(["agent": "slow", "input": .string(.numberedWords(300))])
        var random = SeededGenerator(seed: 7)
        var reads = 0
        var lastCount = 0
        while reads < 12 {
            try await Task.sleep(for: .milliseconds(Int.random(in: 10...120, using: &random)))
            // Everything the client had before asking was recorded, so the events reach at least that far.
            let streamed = client.runSeqs(runId).last ?? 0
            let events = try await client.storedEvents(runId)
            #expect(events.seqs == seqRange(1, Int64(events.count)), "no gap, no duplicate")
            #expect(Int64(events.count) >= streamed)
            #expect(events.count >= lastCount)
            let details = try await client.storeResult("run/get", ["runId": .string(runId)])
            #expect((details["eventCount"]?.integerValue ?? 0) >= Int64(events.count))
            lastCount = events.count
            reads += 1
            if details["status"] != "running" { break }
        }
        _ = try await client.awaitRunStatus(runId)
        let events = try await client.storedEvents(runId)
        #expect(events.seqs == seqRange(1, 303))
        #expect(events.map { $0["params"] } == client.runNotifications(runId).map { $0.message["params"] })
    }

    // MARK: run/events with follow

    enum FollowFrom: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// The client that started the run follows it too: every seq after afterSeq arrives twice.
        case sameClient
        /// A second server on the same SQLite file follows it by reading the store.
        case secondServer
        var testDescription: String { rawValue }
    }

    @Test(arguments: FollowFrom.allCases, [UInt64(1), 2, 3, 4])
    func followAtARandomAfterSeqWhileTheRunStreams(from: FollowFrom, seed: UInt64) async throws {
        var random = SeededGenerator(seed: seed &* 7919)
        let directory = try StoreTestDirectory()
        let config = try storeTestConfig(delayMs: 5)
        let owner = TestClient(config: config, store: try RunStoreKind.sqlite.open(in: directory))
        let follower =
            from == .sameClient ? owner : TestClient(config: config, store: try RunStoreKind.sqlite.open(in: directory))
        let words = 300
        let total = Int64(words + 3)
        let (runId, _) = try await owner.startDetached(["agent": "slow", "input": .string(.numberedWords(words))])
        // Another process sees a new run at most one flush (50 ms) later; reading it in the owner writes it.
        if from == .secondServer { _ = try await owner.storeResult("run/status", ["runId": .string(runId)]) }
        let streamedFirst = Int.random(in: 0...250, using: &random)
        let afterSeq = Int64.random(in: 0...total, using: &random)
        if streamedFirst > 0 { try await owner.waitForTokens(runId: runId, count: streamedFirst) }

        let start = follower.messages.count
        let followId = follower.sendRequest(
            "run/events",
            ["runId": .string(runId), "afterSeq": .int(afterSeq), "follow": true]
        )
        let reply = try await follower.response(to: followId)
        let context = "\(from), afterSeq \(afterSeq) after \(streamedFirst) tokens"
        #expect(
            reply.message["result"]
                == ["runId": .string(runId), "followed": true, "lastSeq": .int(total), "status": "completed"],
            "\(context): \(reply.message.jsonString)"
        )
        // The outcome was stored before the follow was answered.
        let status = try await follower.storeResult("run/status", ["runId": .string(runId)])
        #expect(status["status"] == "completed", "\(context)")
        #expect(status["live"] == false)

        // Nothing of the run after the reply.
        _ = try await follower.request("ping")
        let notes = follower.runNotifications(runId)
        #expect(notes.allSatisfy { $0.index < reply.index }, "\(context)")
        let ownerLines = owner.rawLines
        let followerLines = from == .sameClient ? ownerLines : follower.rawLines
        let ownerLive: [Int64: [UInt8]]
        let followed: [ReceivedMessage]
        switch from {
        case .secondServer:
            followed = notes.filter { $0.index >= start }
            #expect(followed.count == notes.count, "\(context): notifications before the follow")
            ownerLive = Dictionary(
                owner.runNotifications(runId).compactMap { note in
                    note.message["params", "seq"]?.integerValue.map { ($0, ownerLines[note.index]) }
                },
                uniquingKeysWith: { first, _ in first }
            )
            #expect(ownerLive.count == Int(total))
        case .sameClient:
            // Each seq after afterSeq twice (live and followed), the others once.
            var counts: [Int64: Int] = [:]
            for seq in owner.runSeqs(runId) { counts[seq, default: 0] += 1 }
            let wrong = seqRange(1, total).filter { counts[$0] != ($0 > afterSeq ? 2 : 1) }
            let countsRight = wrong.isEmpty
            #expect(
                countsRight,
                "\(context): seqs seen twice should be those after afterSeq; wrong for \(describeSeqs(wrong))"
            )
            #expect(counts.count == Int(total))
            // Split what came after the request: the live stream goes on from where it was, one by one; the
            // rest is the follow.
            let before = notes.filter { $0.index < start }
            var nextLive = (before.last?.message["params", "seq"]?.integerValue ?? 0) + 1
            var live: [Int64: [UInt8]] = [:]
            for note in before { live[note.message["params", "seq"]!.integerValue!] = ownerLines[note.index] }
            var follow: [ReceivedMessage] = []
            for note in notes where note.index >= start {
                let seq = note.message["params", "seq"]?.integerValue ?? -1
                if seq == nextLive {
                    live[seq] = ownerLines[note.index]
                    nextLive += 1
                } else {
                    follow.append(note)
                }
            }
            #expect(nextLive == total + 1, "\(context): the live stream is complete")
            ownerLive = live
            followed = follow
        }
        let seqs = followed.map { $0.message["params", "seq"]?.integerValue ?? -1 }
        let followedRight = seqs == seqRange(afterSeq + 1, total)
        #expect(
            followedRight,
            "\(context): the follow sent \(describeSeqs(seqs)), expected \(describeSeqs(seqRange(afterSeq + 1, total)))"
        )
        // Exactly the original notifications, byte for byte.
        for note in followed {
            let seq = note.message["params", "seq"]?.integerValue ?? -1
            #expect(followerLines[note.index] == ownerLive[seq], "\(context): seq \(seq) differs")
        }
    }

    /// The contract: a follow sends the events with `seq` above `afterSeq`, also when `afterSeq` is ahead of
    /// what the run has produced so far (they are then all still to come).
    @Test(arguments: RunStoreKind.allCases)
    func followWithAnAfterSeqAheadOfTheRunSendsOnlyTheLaterEvents(kind: RunStoreKind) async throws {
        let directory = try StoreTestDirectory()
        let client = TestClient(config: try storeTestConfig(delayMs: 5), store: try kind.open(in: directory))
        let (runId, _) = try await client.startDetached(["agent": "slow", "input": .string(.numberedWords(100))])
        try await client.waitForTokens(runId: runId, count: 1)
        let afterSeq: Int64 = 90
        let progress = client.runSeqs(runId).last ?? 0
        let reply = try await client.response(
            to: client.sendRequest("run/events", ["runId": .string(runId), "afterSeq": .int(afterSeq), "follow": true])
        )
        #expect(reply.message["result", "lastSeq"] == 103)
        // The live stream sends each seq once; the follow adds 91…103 and nothing else.
        var counts: [Int64: Int] = [:]
        for seq in client.runSeqs(runId) { counts[seq, default: 0] += 1 }
        let twice = counts.filter { $0.value > 1 }.keys.sorted()
        let onlyLater = twice == seqRange(afterSeq + 1, 103)
        #expect(
            onlyLater,
            "the run was at seq \(progress) when asked; the follow sent \(describeSeqs(twice)), expected \(describeSeqs(seqRange(afterSeq + 1, 103)))"
        )
    }

    /// A memory store is not shared, so only a SQLite file is read by a second server.
    @Test(arguments: [(RunStoreKind.sqlite, false), (.sqlite, true), (.memory, false)])
    func followOfAFinishedRunReplaysThenRepliesAtOnce(kind: RunStoreKind, secondServer: Bool) async throws {
        let directory = try StoreTestDirectory()
        let owner = TestClient(store: try kind.open(in: directory))
        let reader = secondServer ? TestClient(store: try kind.open(in: directory)) : owner
        let (_, runId) = try await owner.requestRun(
            "agent/run",
            ["agent": "echo-thinking", "input": .string(.numberedWords(50))]
        )
        let total: Int64 = 54
        // Another process sees a run at most one flush (50 ms) after its reply; reading it in the owner
        // writes it at once.
        if secondServer { _ = try await owner.storeResult("run/status", ["runId": .string(runId)]) }
        let ownerLive = owner.runNotifications(runId)
        let ownerLines = owner.rawLines
        var random = SeededGenerator(seed: secondServer ? 11 : 12)
        for afterSeq in [0, total - 1, total, total + 3, .random(in: 1..<total, using: &random)] {
            let start = reader.messages.count
            let began = ContinuousClock.now
            let reply = try await reader.response(
                to: reader.sendRequest(
                    "run/events",
                    ["runId": .string(runId), "afterSeq": .int(afterSeq), "follow": true]
                )
            )
            let elapsed = ContinuousClock.now - began
            // Right after the replay: no poll or wait for more (10 s only so a loaded machine is not a failure).
            #expect(elapsed < .seconds(10), "the reply comes right after the replay (took \(elapsed))")
            #expect(
                reply.message["result"]
                    == [
                        "runId": .string(runId), "followed": true, "lastSeq": .int(max(total, afterSeq)),
                        "status": "completed",
                    ],
                "\(reply.message.jsonString)"
            )
            _ = try await reader.request("ping")
            let replayed = reader.runNotifications(runId).filter { $0.index >= start }
            #expect(replayed.allSatisfy { $0.index < reply.index })
            #expect(
                replayed.map { $0.message["params", "seq"]?.integerValue ?? -1 } == seqRange(afterSeq + 1, total),
                "afterSeq \(afterSeq)"
            )
            let lines = reader.rawLines
            for note in replayed {
                let seq = note.message["params", "seq"]?.integerValue ?? -1
                let original = ownerLive.first { $0.message["params", "seq"]?.integerValue == seq }
                #expect(original.map { ownerLines[$0.index] } == lines[note.index], "seq \(seq)")
            }
        }
    }

    /// A follow sent as the run ends must still be answered (the run may end between the server's check that
    /// it is running and the follow's registration).
    @Test func followsSentAsRunsEndAreAllAnswered() async throws {
        let directory = try StoreTestDirectory()
        let client = TestClient(
            config: try storeTestConfig(delayMs: 1),
            store: try RunStoreKind.memory.open(in: directory)
        )
        var random = SeededGenerator(seed: 99)
        var follows: [(RequestID, String)] = []
        for _ in 0..<150 {
            let (runId, _) = try await client.startDetached(
                ["agent": "slow", "input": .string(.numberedWords(Int.random(in: 1...4, using: &random)))])
            follows.append((client.sendRequest("run/events", ["runId": .string(runId), "follow": true]), runId))
        }
        var unanswered: [String] = []
        for (id, runId) in follows {
            do {
                let reply = try await client.response(to: id, timeout: .seconds(10))
                #expect(reply.message["result", "status"] == "completed", "\(reply.message.jsonString)")
            } catch {
                unanswered.append(runId)
            }
        }
        #expect(unanswered.isEmpty, "follows never answered: \(unanswered)")
    }
}
