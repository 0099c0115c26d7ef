import AgentCore
import Testing

@testable import AgentService

/// The stored form of events reads back as the events that were recorded.
@Suite struct EventBatchCodecTests {
    @Test func tokenBurstsAndEventsReadBackInOrder() {
        let texts = ["plain ", "", "ünïcödé ", "emoji 🚀 ", String(repeating: "long ", count: 1000), "\u{0} nul"]
        var payload: [UInt8] = []
        EventBatchCodec.appendEvent(runId: "r", seq: 1, event: .started(name: "echo"), to: &payload)
        let before = payload.count
        EventBatchCodec.appendTokens(firstSeq: 2, agent: "echo", stepId: "1", texts: texts, to: &payload)
        #expect(payload.count - before == EventBatchCodec.tokensSize(agent: "echo", stepId: "1", texts: texts))
        EventBatchCodec.appendTokens(firstSeq: 8, agent: "agent b", stepId: "1.2", texts: ["last"], to: &payload)
        let events = EventBatchCodec.decode(payload)
        #expect(events.map(\.seq) == Array(1...8))
        let tokens = events.compactMap { event -> String? in
            guard case .token(_, _, _, let text) = event else { return nil }
            return text
        }
        #expect(tokens == texts + ["last"])
        guard case .token(8, "agent b", "1.2", "last") = events.last else {
            Issue.record("last event: \(String(describing: events.last))")
            return
        }
    }

    @Test func aTruncatedPayloadYieldsTheEventsBeforeTheDamage() {
        var payload: [UInt8] = []
        EventBatchCodec.appendTokens(firstSeq: 1, agent: "echo", stepId: "1", texts: ["a ", "b"], to: &payload)
        let whole = payload.count
        EventBatchCodec.appendTokens(firstSeq: 3, agent: "echo", stepId: "1", texts: ["c ", "d"], to: &payload)
        let events = EventBatchCodec.decode(Array(payload[..<(whole + 7)]))
        #expect(events.map(\.seq) == [1, 2])
    }
}
