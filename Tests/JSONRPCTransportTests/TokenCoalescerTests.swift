import JSONRPCTransport
import Testing

@Suite struct TokenCoalescerTests {
    @Test func tokensOfAStepMergeAndStepsDrainInSequenceOrder() {
        var coalescer = TokenCoalescer()
        let full = [
            coalescer.add(key: "1.2", agent: "b", text: "x", seq: 3),
            coalescer.add(key: "1.1", agent: "a", text: "hello ", seq: 4),
            coalescer.add(key: "1.2", agent: "b", text: "y", seq: 5),
            coalescer.add(key: "1.1", agent: "a", text: "world", seq: 6),
        ]
        #expect(full.allSatisfy { $0 == nil })
        let chunks = coalescer.drain()
        #expect(chunks.map(\.text) == ["xy", "hello world"])
        #expect(chunks.map(\.lastSeq) == [5, 6])
        #expect(chunks.map(\.key) == ["1.2", "1.1"])
        #expect(coalescer.isEmpty)
        let again = coalescer.drain()
        #expect(again.isEmpty)
    }

    @Test func aChunkNeverPassesTheLimitButALargeTokenGoesAlone() {
        var coalescer = TokenCoalescer(maxBytes: 8)
        let released = [
            coalescer.add(text: "abcde")?.text,
            coalescer.add(text: "fgh")?.text,  // 8 bytes: at the limit
            coalescer.add(text: "i")?.text,
            coalescer.add(text: "0123456789")?.text,
        ]
        #expect(released == [nil, nil, "abcdefgh", "i"])
        let rest = coalescer.drain().map(\.text)
        #expect(rest == ["0123456789"])
    }

    @Test func theFlushTimerIsArmedOncePerHeldBatch() {
        var coalescer = TokenCoalescer()
        var armed: [Bool] = []
        armed.append(coalescer.armTimer())  // nothing held
        _ = coalescer.add(text: "a")
        armed.append(coalescer.armTimer())
        _ = coalescer.add(text: "b")
        armed.append(coalescer.armTimer())
        _ = coalescer.drain()
        _ = coalescer.add(text: "c")
        armed.append(coalescer.armTimer())
        #expect(armed == [false, true, false, true])
    }
}
