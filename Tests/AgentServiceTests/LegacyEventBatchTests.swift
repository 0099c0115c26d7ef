import AgentCore
import AgentStore
import Foundation
import JSONCore
import Testing

/// A store written by an earlier version, which kept events as their `run/…` notifications, serves them
/// back as the same notifications.
@Suite struct LegacyEventBatchTests {
    /// The notifications an earlier version sent for a run, and stored as they were (but for the tokens,
    /// which it stored as a burst).
    static let sent: [(method: String, params: String)] = [
        ("run/started", #"{"runId":"run_old0000000000001","seq":1,"agent":"echo","requestId":3}"#),
        (
            "run/step",
            #"{"runId":"run_old0000000000001","seq":2,"stepId":"1","status":"started","name":"echo model call","agent":"echo"}"#
        ),
        ("run/token", #"{"runId":"run_old0000000000001","seq":3,"agent":"echo","stepId":"1","text":"hello "}"#),
        ("run/token", #"{"runId":"run_old0000000000001","seq":4,"agent":"echo","stepId":"1","text":"world"}"#),
        (
            "run/step",
            #"{"runId":"run_old0000000000001","seq":5,"stepId":"1","status":"completed","name":"echo model call","agent":"echo","durationMs":1,"usage":{"promptTokens":0,"completionTokens":2,"source":"counted"}}"#
        ),
    ]

    @Test func runEventsOfAnEarlierVersionAreTheNotificationsItSent() async throws {
        let directory = try StoreTestDirectory()
        let store = try SQLiteRunStore(path: directory.path("runs.sqlite"))
        let runId = "run_old0000000000001"
        try store.insertRun(StoredRun(id: runId, kind: "agent", name: "echo", agent: "echo", input: "hello world"))
        try store.finishRun(runId, outcome: RunOutcome(status: .completed, output: "hello world", outputTokens: 2))
        var payload: [UInt8] = []
        for (method, params) in Self.sent where method != "run/token" {
            let seq = UInt64(try #require(JSONValue.parse(params)["seq"]?.integerValue))
            if seq == 5 {  // the burst goes before the last step, as it was recorded
                Self.appendTokens(firstSeq: 3, agent: "echo", stepId: "1", texts: ["hello ", "world"], to: &payload)
            }
            Self.appendLegacyEvent(seq: seq, method: method, params: params, to: &payload)
        }
        try store.appendEventBatches([EventBatch(runId: runId, firstSeq: 1, lastSeq: 5, payload: payload)])

        let client = TestClient(store: store)
        let events = try await client.storedEvents(runId)
        #expect(events.map { $0["method"] } == Self.sent.map { .string($0.method) })
        // Every event reads back as it was sent, but for the step's usage: the same figures under
        // today's names (the counted completion tokens are the output tokens; no input figure).
        let expected = try Self.sent.map { sent -> JSONValue in
            guard case .object(var params) = try JSONValue.parse(sent.params) else { return .null }
            if params["usage"] != nil { params["usage"] = ["outputTokens": 2, "modelCalls": 1, "source": "counted"] }
            return .object(params)
        }
        #expect(events.map { $0["params"] } == expected)
        let details = try await client.storeResult("run/get", ["runId": .string(runId)])
        #expect(details["steps"]?.arrayValue?.map { $0["status"] } == ["completed"])
        #expect(details["steps"]?.arrayValue?.first?["usage", "source"] == "counted")
    }

    /// An `E` record of an earlier version: seq, method and params, as length-prefixed strings.
    static func appendLegacyEvent(seq: UInt64, method: String, params: String, to payload: inout [UInt8]) {
        payload.append(UInt8(ascii: "E"))
        withUnsafeBytes(of: seq.littleEndian) { payload.append(contentsOf: $0) }
        for text in [method, params] {
            withUnsafeBytes(of: UInt32(text.utf8.count).littleEndian) { payload.append(contentsOf: $0) }
            payload.append(contentsOf: text.utf8)
        }
    }

    /// A `T` record, as earlier versions wrote a burst of tokens.
    static func appendTokens(
        firstSeq: UInt64,
        agent: String,
        stepId: String,
        texts: [String],
        to payload: inout [UInt8]
    ) {
        payload.append(UInt8(ascii: "T"))
        withUnsafeBytes(of: firstSeq.littleEndian) { payload.append(contentsOf: $0) }
        for text in [agent, stepId] {
            withUnsafeBytes(of: UInt32(text.utf8.count).littleEndian) { payload.append(contentsOf: $0) }
            payload.append(contentsOf: text.utf8)
        }
        withUnsafeBytes(of: UInt32(texts.count).littleEndian) { payload.append(contentsOf: $0) }
        for text in texts {
            withUnsafeBytes(of: UInt32(text.utf8.count).littleEndian) { payload.append(contentsOf: $0) }
            payload.append(contentsOf: text.utf8)
        }
    }
}
