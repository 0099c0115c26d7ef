import AgentCore
import JSONCore
import Testing

@testable import AgentStore

/// The stored form of events reads back as the events that were recorded, and batches older versions
/// wrote (events as `run/…` notifications) read back as the same events.
@Suite struct EventBatchCodecTests {
    @Test func tokenBurstsAndEventsReadBackInOrder() {
        let texts = ["plain ", "", "ünïcödé ", "emoji 🚀 ", String(repeating: "long ", count: 1000), "\u{0} nul"]
        var payload: [UInt8] = []
        EventBatchCodec.appendEvent(seq: 1, event: .started(name: "echo"), to: &payload)
        let before = payload.count
        EventBatchCodec.appendTokens(firstSeq: 2, agent: "echo", stepId: "1", texts: texts, to: &payload)
        #expect(payload.count - before == EventBatchCodec.tokensSize(agent: "echo", stepId: "1", texts: texts))
        EventBatchCodec.appendTokens(firstSeq: 8, agent: "agent b", stepId: "1.2", texts: ["last"], to: &payload)
        let events = EventBatchCodec.decode(payload)
        #expect(events.map(\.seq) == Array(1...8))
        let tokens = events.compactMap { recorded -> String? in
            guard case .token(_, _, let text) = recorded.event else { return nil }
            return text
        }
        #expect(tokens == texts + ["last"])
        #expect(events.last == RecordedEvent(seq: 8, event: .token(agent: "agent b", stepId: "1.2", text: "last")))
    }

    @Test func burstsRecordedOneAfterAnotherAreOneRecordAndReadBackAsRecorded() {
        var pending = PendingEvents(firstSeq: 1, lastSeq: 1)
        pending.add(.tokens(firstSeq: 1, agent: "echo", stepId: "1", texts: ["a ", "b "]), lastSeq: 2, bytes: 0)
        pending.add(.tokens(firstSeq: 3, agent: "echo", stepId: "1", texts: ["c "]), lastSeq: 3, bytes: 0)
        pending.add(.event(seq: 4, event: .heartbeat), lastSeq: 4, bytes: 0)
        pending.add(.tokens(firstSeq: 5, agent: "echo", stepId: "1", texts: ["d "]), lastSeq: 5, bytes: 0)
        pending.add(.tokens(firstSeq: 6, agent: "echo", stepId: "1.2", texts: ["e "]), lastSeq: 6, bytes: 0)
        pending.add(.tokens(firstSeq: 7, agent: "other", stepId: "1.2", texts: ["f"]), lastSeq: 7, bytes: 0)
        pending.add(
            .tokens(firstSeq: 8, agent: "other", stepId: "1.2", texts: [String(repeating: "g", count: 300)]),
            lastSeq: 8,
            bytes: 0
        )
        let batch = pending.batch(runId: "r")
        let expected: [RunEvent] = [
            .token(agent: "echo", stepId: "1", text: "a "), .token(agent: "echo", stepId: "1", text: "b "),
            .token(agent: "echo", stepId: "1", text: "c "), .heartbeat, .token(agent: "echo", stepId: "1", text: "d "),
            .token(agent: "echo", stepId: "1.2", text: "e "), .token(agent: "other", stepId: "1.2", text: "f"),
            .token(agent: "other", stepId: "1.2", text: String(repeating: "g", count: 300)),
        ]
        let events = EventBatchCodec.decode(batch.payload)
        #expect(events.map(\.seq) == Array(1...8))
        #expect(events.map(\.event) == expected)
        // Four token records for six bursts: seqs 1–3 of step 1 share one, and so do 7 and 8 of "other".
        #expect(batch.payload.filter { $0 == UInt8(ascii: "W") }.count == 4)
    }

    @Test func tokenBurstsOfEarlierVersionsReadBack() {
        var payload: [UInt8] = []
        LegacyPayload.appendTokens(firstSeq: 1, agent: "echo", stepId: "1", texts: ["old ", "", "burst"], to: &payload)
        EventBatchCodec.appendTokens(firstSeq: 4, agent: "echo", stepId: "1", texts: ["new"], to: &payload)
        let events = EventBatchCodec.decode(payload)
        #expect(events.map(\.seq) == [1, 2, 3, 4])
        #expect(
            events.map(\.event) == ["old ", "", "burst", "new"].map { .token(agent: "echo", stepId: "1", text: $0) }
        )
    }

    @Test func everyKindOfEventReadsBackAsRecorded() {
        let events = Self.everyKind
        var payload: [UInt8] = []
        for (index, event) in events.enumerated() {
            EventBatchCodec.appendEvent(seq: UInt64(index + 1), event: event, to: &payload)
        }
        #expect(EventBatchCodec.decode(payload).map(\.event) == events)
        // Kinds, not wire method names: nothing of the notification's name is in the payload.
        #expect(String(decoding: payload, as: UTF8.self).contains("run/") == false)
    }

    @Test func aTruncatedPayloadYieldsTheEventsBeforeTheDamage() {
        var payload: [UInt8] = []
        EventBatchCodec.appendTokens(firstSeq: 1, agent: "echo", stepId: "1", texts: ["a ", "b"], to: &payload)
        let whole = payload.count
        EventBatchCodec.appendTokens(firstSeq: 3, agent: "echo", stepId: "1", texts: ["c ", "d"], to: &payload)
        let events = EventBatchCodec.decode(Array(payload[..<(whole + 7)]))
        #expect(events.map(\.seq) == [1, 2])
    }

    @Test func batchesOfEarlierVersionsReadBackAsTheSameEvents() {
        // As earlier versions wrote them: `E` records holding the notification's method and params, and
        // token bursts as today.
        var payload: [UInt8] = []
        LegacyPayload.appendEvent(
            seq: 1,
            method: "run/started",
            params: #"{"runId":"r","seq":1,"workflow":"review","strategy":"sequential","requestId":7}"#,
            to: &payload
        )
        LegacyPayload.appendEvent(
            seq: 2,
            method: "run/step",
            params:
                #"{"runId":"r","seq":2,"stepId":"1","status":"completed","name":"draft","agent":"echo","strategy":"sequential","durationMs":12,"usage":{"promptTokens":3,"completionTokens":4,"source":"server"}}"#,
            to: &payload
        )
        EventBatchCodec.appendTokens(firstSeq: 3, agent: "echo", stepId: "1", texts: ["a ", "b"], to: &payload)
        LegacyPayload.appendEvent(
            seq: 5,
            method: "run/token",
            params: #"{"runId":"r","seq":5,"agent":"echo","stepId":"1","text":"c"}"#,
            to: &payload
        )
        LegacyPayload.appendEvent(
            seq: 6,
            method: "run/thinking",
            params: #"{"runId":"r","seq":6,"agent":"echo","stepId":"1","text":"hmm"}"#,
            to: &payload
        )
        LegacyPayload.appendEvent(
            seq: 7,
            method: "run/progress",
            params: #"{"runId":"r","seq":7,"percent":50,"message":"1 of 2 steps"}"#,
            to: &payload
        )
        LegacyPayload.appendEvent(seq: 8, method: "run/heartbeat", params: #"{"runId":"r","seq":8}"#, to: &payload)
        LegacyPayload.appendEvent(
            seq: 9,
            method: "run/tool",
            params:
                #"{"runId":"r","seq":9,"agent":"echo","stepId":"1","toolCallId":"call_1","tool":"weather","status":"failed","input":{"city":"Oslo"},"error":"refused","durationMs":3}"#,
            to: &payload
        )
        LegacyPayload.appendEvent(
            seq: 10,
            method: "run/started",
            params: #"{"runId":"r","seq":10,"agent":"echo"}"#,
            to: &payload
        )
        // A kind of today's format in the same batch.
        EventBatchCodec.appendEvent(seq: 11, event: .heartbeat, to: &payload)

        let expected: [RunEvent] = [
            .started(name: "review", strategy: "sequential", requestId: 7),
            .step(
                StepEvent(
                    stepId: "1",
                    status: .completed,
                    name: "draft",
                    agent: "echo",
                    strategy: "sequential",
                    durationMs: 12,
                    usage: Usage(inputTokens: 3, outputTokens: 4, reported: true)
                )
            ),
            .token(agent: "echo", stepId: "1", text: "a "),
            .token(agent: "echo", stepId: "1", text: "b"),
            .token(agent: "echo", stepId: "1", text: "c"),
            .thinking(agent: "echo", stepId: "1", text: "hmm"),
            .progress(percent: 50, message: "1 of 2 steps"),
            .heartbeat,
            .tool(
                ToolEvent(
                    stepId: "1",
                    agent: "echo",
                    callId: "call_1",
                    tool: "weather",
                    status: .failed,
                    input: ["city": "Oslo"],
                    error: "refused",
                    durationMs: 3
                )
            ),
            .started(name: "echo"),
            .heartbeat,
        ]
        let events = EventBatchCodec.decode(payload)
        #expect(events.map(\.seq) == Array(1...11))
        #expect(events.map(\.event) == expected)
    }

    @Test func recordsOfUnknownKindsAreSkipped() {
        var payload: [UInt8] = []
        EventBatchCodec.appendEvent(seq: 1, event: .heartbeat, to: &payload)
        payload.append(UInt8(ascii: "K"))
        withUnsafeBytes(of: UInt64(2).littleEndian) { payload.append(contentsOf: $0) }
        EventBatchCodec.appendString("a kind from a later version", to: &payload)
        EventBatchCodec.appendString("{}", to: &payload)
        LegacyPayload.appendEvent(seq: 3, method: "run/unknown", params: "{}", to: &payload)
        EventBatchCodec.appendEvent(seq: 4, event: .progress(percent: 100, message: "done"), to: &payload)
        #expect(EventBatchCodec.decode(payload).map(\.seq) == [1, 4])
    }

    /// One event of each kind, with every optional member set somewhere.
    static let everyKind: [RunEvent] = [
        .started(name: "echo", requestId: "req-1"),
        .started(name: "review", strategy: "parallel", requestId: 42),
        .step(
            StepEvent(
                stepId: "1",
                status: .started,
                name: "draft",
                agent: "echo",
                parentStepId: "0",
                strategy: "parallel"
            )
        ),
        .step(
            StepEvent(
                stepId: "1",
                status: .failed,
                name: "draft",
                agent: "echo",
                durationMs: 7,
                error: "boom",
                usage: Usage(
                    inputTokens: 12,
                    outputTokens: 9,
                    cachedInputTokens: 4,
                    reasoningTokens: 2,
                    cost: USD(nanos: 1234),
                    modelCalls: 2,
                    reported: true,
                    model: "small"
                )
            )
        ),
        .step(StepEvent(stepId: "1.1", status: .started, name: "draft", agent: "echo", input: "the \"input\"\n\u{0}")),
        .step(
            StepEvent(
                stepId: "1.2",
                status: .reused,
                name: "draft",
                agent: "echo",
                durationMs: 0,
                input: String(repeating: "long input ", count: 10_000),
                output: "its output ✓"
            )
        ),
        .token(agent: "echo", stepId: "1", text: "one token \u{0}"),
        .thinking(agent: "echo", stepId: "1", text: "thinking…"),
        .progress(percent: 33, message: "1 of 3"),
        .heartbeat,
        .tool(
            ToolEvent(
                stepId: "1",
                agent: "echo",
                callId: "c1",
                tool: "sh",
                status: .completed,
                input: ["args": [1, 2.5, true, .null, "x"]],
                output: "ok",
                durationMs: 2
            )
        ),
        .tool(ToolEvent(stepId: "1", agent: "echo", callId: "c2", tool: "sh", status: .started, input: "raw text")),
    ]
}

/// The payload records earlier versions wrote: events as notifications, and token bursts with u32 lengths.
enum LegacyPayload {
    static func appendTokens(
        firstSeq: UInt64,
        agent: String,
        stepId: String,
        texts: [String],
        to payload: inout [UInt8]
    ) {
        payload.append(UInt8(ascii: "T"))
        withUnsafeBytes(of: firstSeq.littleEndian) { payload.append(contentsOf: $0) }
        EventBatchCodec.appendString(agent, to: &payload)
        EventBatchCodec.appendString(stepId, to: &payload)
        withUnsafeBytes(of: UInt32(texts.count).littleEndian) { payload.append(contentsOf: $0) }
        for text in texts { EventBatchCodec.appendString(text, to: &payload) }
    }

    static func appendEvent(seq: UInt64, method: String, params: String, to payload: inout [UInt8]) {
        payload.append(UInt8(ascii: "E"))
        withUnsafeBytes(of: seq.littleEndian) { payload.append(contentsOf: $0) }
        EventBatchCodec.appendString(method, to: &payload)
        EventBatchCodec.appendString(params, to: &payload)
    }
}
