import AgentCore
import Foundation
import JSONCore
import Logging
import Testing

@testable import AgentService

/// A store that cannot keep a session's changes does not lose them silently: the change holds in this
/// process, the reply being written says what the store could not keep, and the log names the session.
@Suite struct SessionStoreFailureTests {
    @Test func repliesSayWhatTheStoreCouldNotKeep() async throws {
        let client = TestClient(store: ScriptedStore(failSessionWrites: true))
        let created = try await client.storeResult("session/new", ["agent": "echo-history"])
        let sessionId = try #require(created["sessionId"]?.stringValue)
        let newWarnings = created["warnings"]?.arrayValue ?? []
        #expect(newWarnings.count == 1)
        #expect(newWarnings.first?.stringValue?.contains(sessionId) == true, "\(created.jsonString)")

        // The session works in this process all the same; each turn says it was not kept.
        let first = try await client.storeResult("session/prompt", ["sessionId": .string(sessionId), "input": "one"])
        #expect(first["output"] == "one")
        let turnWarnings = first["warnings"]?.arrayValue ?? []
        #expect(turnWarnings.count == 1)
        #expect(turnWarnings.first?.stringValue?.contains(sessionId) == true, "\(first.jsonString)")
        let second = try await client.storeResult("session/prompt", ["sessionId": .string(sessionId), "input": "two"])
        #expect(second["output"] == "one\ntwo")

        // Closing cannot remove it from the store: an error, not a silent success.
        let error = try await client.storeError("session/close", ["sessionId": .string(sessionId)], code: -32603)
        let detail = error["data", "detail"]?.stringValue ?? ""
        #expect(detail.contains(sessionId) && detail.contains("disk is full"), "\(error.jsonString)")
    }

    @Test func aKeptSessionHasNoWarnings() async throws {
        let client = TestClient(store: ScriptedStore())
        let created = try await client.storeResult("session/new", ["agent": "echo-history"])
        #expect(created["warnings"] == nil)
        let turn = try await client.storeResult(
            "session/prompt",
            ["sessionId": created["sessionId"] ?? .null, "input": "x"]
        )
        #expect(turn["warnings"] == nil)
    }

    @Test func theLogNamesTheSession() throws {
        let logs = LogCapture()
        let sessions = SessionStore(
            store: ScriptedStore(failSessionWrites: true),
            logger: Logger(label: "test.sessions") { _ in logs }
        )
        let (session, failure) = sessions.create(agent: "echo")
        #expect(failure != nil)
        _ = try sessions.beginTurn(session.id)
        #expect(sessions.endTurn(session.id, turn: Turn(input: "in", output: "out")) != nil)
        #expect(try sessions.session(session.id)?.turns == [Turn(input: "in", output: "out")])
        #expect(throws: StoreError.self) { try sessions.close(session.id) }
        let errors = logs.messages.filter { $0.hasPrefix("error:") }
        #expect(errors.count == 3, "\(logs.messages)")
        #expect(errors.allSatisfy { $0.contains(session.id) }, "\(errors)")
    }
}
