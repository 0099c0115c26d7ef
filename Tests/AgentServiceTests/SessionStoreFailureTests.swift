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

    @Test func acpSessionNewSaysWhatTheStoreCouldNotKeep() async throws {
        let logs = LogCapture()
        let store = ScriptedStore(failSessionWrites: true)
        let client = TestClient(store: store, logHandler: logs) { runtime, logger, onExit in
            FaceRouter(runtime: runtime, logger: logger, onExit: onExit)
        }
        _ = try await client.storeResult("initialize", ["protocolVersion": 1])
        let created = try await client.storeResult("session/new", ["cwd": "/work", "mcpServers": []])
        let sessionId = try #require(created["sessionId"]?.stringValue, "\(created.jsonString)")
        let warnings = created["_meta", "agentwire", "warnings"]?.arrayValue ?? []
        #expect(warnings.count == 1, "\(created.jsonString)")
        let warning = warnings.first?.stringValue ?? ""
        #expect(warning.contains(sessionId) && warning.contains("disk is full"), "\(created.jsonString)")
        #expect(created["_meta"]?.objectValue?.keys.sorted() == ["agentwire"])
        #expect(
            logs.messages.contains { $0.hasPrefix("warning:") && $0.contains("could not keep the new ACP session") },
            "\(logs.messages)"
        )

        // The session works in this process all the same.
        let prompt = client.acpPrompt(sessionId, "still here")
        let reply = try await client.response(to: prompt).message
        #expect(reply["result", "stopReason"] == "end_turn", "\(reply.jsonString)")
    }

    @Test func acpSessionNewKeptHasNoMeta() async throws {
        let client = try await TestClient.acp(store: ScriptedStore())
        let created = try await client.storeResult("session/new", ["cwd": "/work", "mcpServers": []])
        #expect(created["sessionId"]?.stringValue != nil, "\(created.jsonString)")
        #expect(created["_meta"] == nil, "\(created.jsonString)")
    }

    @Test func theLogNamesTheSession() async throws {
        let logs = LogCapture()
        let sessions = SessionStore(
            store: ScriptedStore(failSessionWrites: true),
            logger: Logger(label: "test.sessions") { _ in logs }
        )
        let (session, kept) = sessions.create(agent: "echo")
        #expect(await kept.value() != nil)
        guard case .begun = try sessions.beginTurn(session.id) else {
            Issue.record("a session in memory begins its turn at once")
            return
        }
        #expect(await sessions.endTurn(session.id, turn: Turn(input: "in", output: "out")).value() != nil)
        #expect(try await sessions.session(session.id).value()?.turns == [Turn(input: "in", output: "out")])
        await #expect(throws: StoreError.self) { try await sessions.close(session.id).value() }
        let errors = logs.messages.filter { $0.hasPrefix("error:") }
        #expect(errors.count == 3, "\(logs.messages)")
        #expect(errors.allSatisfy { $0.contains(session.id) }, "\(errors)")
    }
}
