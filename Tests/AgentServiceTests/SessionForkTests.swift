import AgentCore
import AgentService
import Foundation
import JSONCore
import JSONRPC
import Testing

// Sessions as stored, on the native face: `session/fork`, `session/list`, `session/get` and
// `session/delete`.

/// The built-in config plus `slow-history`: echo-history with 50 ms before each word.
private func slowHistoryConfig() throws -> AgentConfig {
    try .mergedOverBuiltIns(
        #"{"agents": {"slow-history": {"provider": {"type": "echo", "delayMs": 50, "history": true}}}}"#,
        file: "session-fork-tests.json"
    )
}

extension TestClient {
    /// `session/new` with `agent`; returns the session id.
    fileprivate func openSession(_ agent: String = "echo-history") async throws -> String {
        let reply = try await request("session/new", ["agent": .string(agent)])
        return try #require(reply["result", "sessionId"]?.stringValue, "\(reply.jsonString)")
    }

    /// One turn of `sessionId`; returns its output.
    @discardableResult
    fileprivate func say(_ sessionId: String, _ input: String) async throws -> String {
        let reply = try await request("session/prompt", ["sessionId": .string(sessionId), "input": .string(input)])
        return try #require(reply["result", "output"]?.stringValue, "\(reply.jsonString)")
    }

    /// `session/fork`; returns the new session's id.
    fileprivate func fork(_ sessionId: String, turn: Int? = nil) async throws -> String {
        var params: JSONObject = ["sessionId": .string(sessionId)]
        if let turn { params["turn"] = .int(turn) }
        let reply = try await request("session/fork", .object(params))
        #expect(reply["result", "warnings"] == nil, "\(reply.jsonString)")
        return try #require(reply["result", "sessionId"]?.stringValue, "\(reply.jsonString)")
    }

    /// The inputs of the session's turns (`session/get`).
    fileprivate func turnInputs(_ sessionId: String) async throws -> [String] {
        let reply = try await request("session/get", ["sessionId": .string(sessionId)])
        let turns = try #require(reply["result", "turns"]?.arrayValue, "\(reply.jsonString)")
        return turns.compactMap { $0["input"]?.stringValue }
    }

    /// Every session `session/list` gives, page by page (`limit` per page), and the number of pages.
    fileprivate func allSessions(limit: Int) async throws -> (sessions: [JSONValue], pages: Int) {
        var sessions: [JSONValue] = []
        var cursor: String?
        var pages = 0
        repeat {
            var params: JSONObject = ["limit": .int(limit)]
            if let cursor { params["cursor"] = .string(cursor) }
            let reply = try await request("session/list", .object(params))
            let page = try #require(reply["result", "sessions"]?.arrayValue, "\(reply.jsonString)")
            #expect(page.count <= limit)
            sessions += page
            cursor = reply["result", "nextCursor"]?.stringValue
            pages += 1
        } while cursor != nil && pages < 100
        return (sessions, pages)
    }
}

@Suite struct SessionForkTests {
    @Test func aForkAtATurnHasThoseTurnsAndGoesItsOwnWay() async throws {
        let client = TestClient()
        let original = try await client.openSession()
        try await client.say(original, "one")
        try await client.say(original, "two")
        try await client.say(original, "three")

        let forked = try await client.fork(original, turn: 2)
        #expect(forked != original)
        #expect(try await client.turnInputs(forked) == ["one", "two"])
        // echo-history answers with the history it was given: the fork's.
        #expect(try await client.say(forked, "four") == "one\ntwo\nfour")
        // The original is unchanged, and its next turn does not reach the fork.
        #expect(try await client.turnInputs(original) == ["one", "two", "three"])
        #expect(try await client.say(original, "five") == "one\ntwo\nthree\nfive")
        #expect(try await client.turnInputs(forked) == ["one", "two", "four"])

        // Without `turn`, every turn; with 0, none. The fork keeps the agent.
        let whole = try await client.request("session/fork", ["sessionId": .string(original)])
        #expect(whole["result", "agent"] == "echo-history", "\(whole.jsonString)")
        let wholeId = try #require(whole["result", "sessionId"]?.stringValue)
        #expect(try await client.turnInputs(wholeId) == ["one", "two", "three", "five"])
        let empty = try await client.fork(original, turn: 0)
        #expect(try await client.turnInputs(empty) == [])
        #expect(try await client.say(empty, "alone") == "alone")
        // Positional params: sessionId, turn.
        let positional = try await client.request("session/fork", [.string(original), 1])
        let positionalId = try #require(positional["result", "sessionId"]?.stringValue, "\(positional.jsonString)")
        #expect(try await client.turnInputs(positionalId) == ["one"])
    }

    @Test(arguments: RunStoreKind.allCases)
    func aForkIsKeptAcrossARestart(kind: RunStoreKind) async throws {
        let directory = try StoreTestDirectory()
        let store = try kind.open(in: directory)
        let first = TestClient(store: store)
        let original = try await first.openSession()
        try await first.say(original, "one")
        try await first.say(original, "two")
        let forked = try await first.fork(original, turn: 1)

        // The next process: the same memory store, or the SQLite file opened again.
        let second = TestClient(store: kind == .memory ? store : try kind.open(in: directory))
        #expect(try await second.turnInputs(forked) == ["one"])
        #expect(try await second.say(forked, "again") == "one\nagain")
        #expect(try await second.turnInputs(original) == ["one", "two"])
        // A session only the store has is forked from there.
        let again = try await second.fork(original)
        #expect(try await second.say(again, "three") == "one\ntwo\nthree")
    }

    @Test func aTurnOutOfRangeIsRefusedNamingIt() async throws {
        let client = TestClient()
        let sessionId = try await client.openSession()
        try await client.say(sessionId, "one")
        for turn: JSONValue in [2, -1, 1.5, "1"] {
            let reply = try await client.request("session/fork", ["sessionId": .string(sessionId), "turn": turn])
            #expect(reply["error", "code"] == -32602, "turn \(turn.jsonString): \(reply.jsonString)")
            #expect(reply["error", "data", "field"] == "params.turn", "\(reply.jsonString)")
        }
        let tooMany = try await client.request("session/fork", ["sessionId": .string(sessionId), "turn": 2])
        #expect(tooMany["error", "data", "detail"]?.stringValue?.contains("from 0 to 1") == true)
        // No session was made.
        #expect(try await client.allSessions(limit: 10).sessions.count == 1)
        let misspelt = try await client.request("session/fork", ["sessionId": .string(sessionId), "turns": 1])
        #expect(misspelt["error", "data", "field"] == "params.turns", "\(misspelt.jsonString)")
    }

    @Test func unknownSessionsAreNotFound() async throws {
        let client = TestClient()
        for method in ["session/fork", "session/get", "session/delete"] {
            let reply = try await client.request(method, ["sessionId": "ses_nope"])
            #expect(reply["error", "code"] == -32001, "\(method): \(reply.jsonString)")
            #expect(reply["error", "data", "sessionId"] == "ses_nope", "\(method)")
            #expect(reply["error", "data", "retryable"] == false, "\(method)")
        }
    }

    @Test func aSessionWithATurnInFlightIsForkedAsStored() async throws {
        let client = TestClient(config: try slowHistoryConfig())
        let sessionId = try await client.openSession("slow-history")
        try await client.say(sessionId, "done")
        let id = client.sendRequest("session/prompt", ["sessionId": .string(sessionId), "input": "one two three"])
        _ = try await client.waitForRunStarted()
        let forked = try await client.fork(sessionId)
        #expect(try await client.turnInputs(forked) == ["done"])
        let reply = try await client.response(to: id).message
        #expect(reply["result", "output"] == "done\none two three", "\(reply.jsonString)")
        #expect(try await client.turnInputs(forked) == ["done"])
    }

    @Test func getAnswersTheSessionAndItsTurns() async throws {
        let client = TestClient()
        let before = Date().addingTimeInterval(-1)
        let sessionId = try await client.openSession()
        try await client.say(sessionId, "first question")
        try await client.say(sessionId, "second question")
        let reply = try await client.request("session/get", [.string(sessionId)])
        let result = try #require(reply["result"], "\(reply.jsonString)")
        #expect(result["sessionId"] == .string(sessionId))
        #expect(result["agent"] == "echo-history")
        #expect(
            result["turns"] == [
                [
                    "input": "first question", "output": "first question",
                    "usage": ["outputTokens": 2, "modelCalls": 1, "source": "counted"],
                ],
                [
                    "input": "second question", "output": "first question\nsecond question",
                    "usage": ["outputTokens": 4, "modelCalls": 1, "source": "counted"],
                ],
            ]
        )
        // The turns' usage summed; echo has no price, so no cost.
        #expect(result["usage"] == ["outputTokens": 6, "modelCalls": 2, "source": "counted"])
        let createdAt = try #require(result["createdAt"]?.stringValue)
        let date = try #require(try? Date(createdAt, strategy: .iso8601), "\(createdAt)")
        #expect(date >= before && date <= Date().addingTimeInterval(1))
        #expect(result.objectValue?.keys.sorted() == ["agent", "createdAt", "sessionId", "turns", "usage"])
    }

    @Test(arguments: RunStoreKind.allCases)
    func listPagesNewestFirstWithoutRepeatsOrGaps(kind: RunStoreKind) async throws {
        let directory = try StoreTestDirectory()
        let client = TestClient(store: try kind.open(in: directory))
        var created: [String] = []
        for index in 0..<7 {
            let sessionId = try await client.openSession(index.isMultiple(of: 2) ? "echo-history" : "echo")
            for turn in 0..<index % 3 { try await client.say(sessionId, "turn \(turn)") }
            created.append(sessionId)
        }
        let (sessions, pages) = try await client.allSessions(limit: 3)
        #expect(pages == 3)
        #expect(sessions.compactMap { $0["sessionId"]?.stringValue } == created.reversed())
        #expect(sessions.compactMap { $0["turns"]?.integerValue } == (0..<7).reversed().map { Int64($0 % 3) })
        #expect(sessions.first?["agent"] == "echo-history" && sessions.dropFirst().first?["agent"] == "echo")
        #expect(sessions.allSatisfy { $0["createdAt"]?.stringValue?.hasSuffix("Z") == true })

        // A page goes on after the previous one's last session: one created meanwhile belongs before the
        // first page, one deleted meanwhile leaves no gap.
        let first = try await client.request("session/list", ["limit": 3])
        let cursor = try #require(first["result", "nextCursor"]?.stringValue, "\(first.jsonString)")
        _ = try await client.openSession()
        let deleted = try await client.request("session/delete", ["sessionId": .string(created[3])])
        #expect(deleted["result"] == ["deleted": true], "\(deleted.jsonString)")
        let second = try await client.request("session/list", ["limit": 3, "cursor": .string(cursor)])
        let ids = second["result", "sessions"]?.arrayValue?.compactMap { $0["sessionId"]?.stringValue }
        #expect(ids == [created[2], created[1], created[0]], "\(second.jsonString)")
        #expect(second["result", "nextCursor"] == nil)
        // Default limit: everything at once.
        let all = try await client.request("session/list", [:])
        #expect(all["result", "sessions"]?.arrayValue?.count == 7, "\(all.jsonString)")
    }

    @Test(arguments: [
        (#"{"limit": 0}"#, "params.limit"),
        (#"{"limit": 501}"#, "params.limit"),
        (#"{"limit": "5"}"#, "params.limit"),
        (#"{"cursor": "not a cursor"}"#, "params.cursor"),
        (#"{"cursor": 5}"#, "params.cursor"),
        (#"{"agent": "echo"}"#, "params.agent"),
    ])
    func listRefusesBadParamsNamingThem(params: String, field: String) async throws {
        let client = TestClient()
        let reply = try await client.request("session/list", try JSONValue.parse(params))
        #expect(reply["error", "code"] == -32602, "\(reply.jsonString)")
        #expect(reply["error", "data", "field"] == .string(field), "\(reply.jsonString)")
    }

    @Test func aDeletedSessionIsGoneEverywhere() async throws {
        let client = TestClient()
        let sessionId = try await client.openSession()
        try await client.say(sessionId, "hello")
        let forked = try await client.fork(sessionId)
        let deleted = try await client.request("session/delete", [.string(sessionId)])
        #expect(deleted["result"] == ["deleted": true], "\(deleted.jsonString)")
        for (method, params) in [
            ("session/get", ["sessionId": .string(sessionId)]),
            ("session/prompt", ["sessionId": .string(sessionId), "input": "anyone?"]),
            ("session/delete", ["sessionId": .string(sessionId)]),
            ("session/fork", ["sessionId": .string(sessionId)]),
        ] as [(String, JSONValue)] {
            let reply = try await client.request(method, params)
            #expect(reply["error", "code"] == -32001, "\(method): \(reply.jsonString)")
            #expect(reply["error", "data", "sessionId"] == .string(sessionId), "\(method)")
        }
        let listed = try await client.allSessions(limit: 50).sessions.compactMap { $0["sessionId"]?.stringValue }
        #expect(listed == [forked])
        // Its fork stays.
        #expect(try await client.say(forked, "still here") == "hello\nstill here")
    }

    @Test func aSessionWithATurnInFlightIsNotDeleted() async throws {
        let client = TestClient(config: try slowHistoryConfig())
        let sessionId = try await client.openSession("slow-history")
        let id = client.sendRequest("session/prompt", ["sessionId": .string(sessionId), "input": "one two three"])
        _ = try await client.waitForRunStarted()
        let busy = try await client.request("session/delete", ["sessionId": .string(sessionId)])
        #expect(busy["error", "code"] == -32004, "\(busy.jsonString)")
        #expect(busy["error", "data", "sessionId"] == .string(sessionId))
        #expect(busy["error", "data", "retryable"] == true)
        let reply = try await client.response(to: id).message
        #expect(reply["result", "output"] == "one two three", "\(reply.jsonString)")
        #expect(try await client.turnInputs(sessionId) == ["one two three"])
        let deleted = try await client.request("session/delete", ["sessionId": .string(sessionId)])
        #expect(deleted["result"] == ["deleted": true], "\(deleted.jsonString)")
    }

    @Test(arguments: RunStoreKind.allCases)
    func aSessionOnlyTheStoreHasIsReadAndDeleted(kind: RunStoreKind) async throws {
        let directory = try StoreTestDirectory()
        let store = try kind.open(in: directory)
        let first = TestClient(store: store)
        let sessionId = try await first.openSession()
        try await first.say(sessionId, "kept")

        let second = TestClient(store: kind == .memory ? store : try kind.open(in: directory))
        #expect(try await second.turnInputs(sessionId) == ["kept"])
        let deleted = try await second.request("session/delete", ["sessionId": .string(sessionId)])
        #expect(deleted["result"] == ["deleted": true], "\(deleted.jsonString)")
        let third = TestClient(store: kind == .memory ? store : try kind.open(in: directory))
        let gone = try await third.request("session/get", ["sessionId": .string(sessionId)])
        #expect(gone["error", "code"] == -32001, "\(gone.jsonString)")
        #expect(try await third.allSessions(limit: 5).sessions.isEmpty)
    }

    /// Like the other session requests, these wait for the store in tasks: while the store is stuck,
    /// `ping` is answered; once it answers, so do they.
    @Test func storeCallsWaitOffTheReader() async throws {
        let store = ScriptedStore()
        try store.insertSession(
            StoredSession(id: "ses_earlier", agent: "echo-history", turns: [Turn(input: "before", output: "before")])
        )
        let client = TestClient(store: store)
        store.sessionReads.close()
        let waiting = [
            client.sendRequest("session/list", [:]),
            client.sendRequest("session/get", ["sessionId": "ses_earlier"]),
            client.sendRequest("session/fork", ["sessionId": "ses_earlier"]),
        ]
        try await waitUntil { store.sessionReads.waiting == 1 }
        let pong = try await client.request("ping", timeout: .seconds(5))
        #expect(pong["result"] == .object([:]))
        #expect(waiting.allSatisfy { client.replies(to: $0).isEmpty })
        store.sessionWrites.close()
        store.sessionReads.open()
        // The fork's insert waits in turn; the list and the get were answered before it.
        try await waitUntil { store.sessionWrites.waiting == 1 }
        let listed = try await client.response(to: waiting[0], timeout: .seconds(10)).message
        #expect(listed["result", "sessions"]?.arrayValue?.first?["sessionId"] == "ses_earlier", "\(listed.jsonString)")
        let got = try await client.response(to: waiting[1], timeout: .seconds(10)).message
        #expect(got["result", "turns"]?.arrayValue?.first?["input"] == "before", "\(got.jsonString)")
        #expect(client.replies(to: waiting[2]).isEmpty)
        store.sessionWrites.open()
        let forked = try await client.response(to: waiting[2], timeout: .seconds(10)).message
        let forkId = try #require(forked["result", "sessionId"]?.stringValue, "\(forked.jsonString)")
        #expect(try await client.say(forkId, "after") == "before\nafter")
        // The get did not keep the stored session in memory.
        #expect(client.runtime?.sessions.cachedSession("ses_earlier") == nil)
    }
}
