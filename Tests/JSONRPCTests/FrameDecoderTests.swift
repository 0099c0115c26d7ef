import JSONRPC
import Testing

/// Feeds `chunks` into one decoder and returns every event plus the decoder's final state.
private func run(
    _ chunks: [[UInt8]],
    maxMessageBytes: Int = 1024,
    framing: Framing? = nil,
    afterEachFeed: (FrameDecoder) -> Void = { _ in }
) -> (events: [FrameDecoder.Event], decoder: FrameDecoder) {
    var decoder = FrameDecoder(maxMessageBytes: maxMessageBytes, framing: framing)
    var events: [FrameDecoder.Event] = []
    for chunk in chunks {
        decoder.feed(chunk) { events.append($0) }
        afterEachFeed(decoder)
    }
    return (events, decoder)
}

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
private func frame(_ text: String) -> FrameDecoder.Event { .frame(bytes(text)) }
private func oneByteAtATime(_ stream: [UInt8]) -> [[UInt8]] { stream.map { [$0] } }

private func isBadHeader(_ event: FrameDecoder.Event) -> Bool {
    if case .badHeader = event { return true }
    return false
}

/// A newline-delimited stream with CRLF endings, blank lines and padding around messages.
private let ndjsonStream = bytes(
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\"}\n"
        + "\r\n\n"
        + "[{\"x\":\"y\"}]\r\n"
        + "  {\"id\":2}  \n"
        + "{}\n"
)
private let ndjsonFrames = [
    frame("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\"}"), frame("[{\"x\":\"y\"}]"), frame("{\"id\":2}"),
    frame("{}"),
]

/// A Content-Length stream: mixed case names, no space after the colon, a bare `\n\n` terminator,
/// stray blank lines between frames, and bodies holding newlines and text that looks like a header.
private let contentLengthBodies = [
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\"}",
    "{\"text\":\"line\\n\"}\r\n\r\nContent-Length: 99\r\n\r\n",
    "[1,2]",
    "{}",
]
private let contentLengthStream = bytes(
    "Content-Length: \(contentLengthBodies[0].utf8.count)\r\n\r\n\(contentLengthBodies[0])"
        + "content-length: \(contentLengthBodies[1].utf8.count)\r\n\r\n\(contentLengthBodies[1])\r\n"
        + "CONTENT-LENGTH:\(contentLengthBodies[2].utf8.count)\r\n\r\n\(contentLengthBodies[2])"
        + "Content-Length: \(contentLengthBodies[3].utf8.count)\n\n\(contentLengthBodies[3])"
)

struct FrameDecoderTests {
    // MARK: Framing detection

    @Test func openingBraceOrBracketSelectsNewlineFraming() {
        for opener in ["{}\n", "[]\n"] {
            let (events, decoder) = run([bytes(opener)])
            #expect(decoder.framing == .newlineDelimited)
            #expect(events == [frame(String(opener.dropLast()))])
        }
    }

    @Test func capitalOrLowerCSelectsContentLengthFraming() {
        for header in ["Content-Length: 2\r\n\r\n{}", "content-length: 2\r\n\r\n{}"] {
            let (events, decoder) = run([bytes(header)])
            #expect(decoder.framing == .contentLength)
            #expect(events == [frame("{}")])
        }
    }

    @Test func leadingWhitespaceIsSkippedBeforeDetection() {
        let (ndEvents, nd) = run([bytes(" \r\n\t\n{\"a\":1}\n")])
        #expect(nd.framing == .newlineDelimited)
        #expect(ndEvents == [frame("{\"a\":1}")])

        let (clEvents, cl) = run([bytes("\n\r\n  "), bytes("Content-Length: 2\r\n\r\n[]")])
        #expect(cl.framing == .contentLength)
        #expect(clEvents == [frame("[]")])
    }

    @Test func framingStaysUndecidedWhileOnlyWhitespaceArrives() {
        let (events, decoder) = run([bytes("  \r\n\t ")])
        #expect(decoder.framing == nil)
        #expect(events.isEmpty)
        #expect(decoder.bufferedBytes == 0)
    }

    @Test func garbageFirstByteFallsBackToNewlineFraming() {
        let (events, decoder) = run([bytes("not json\n{}\n")])
        #expect(decoder.framing == .newlineDelimited)
        #expect(events == [frame("not json"), frame("{}")])
    }

    @Test func forcedFramingIsNotRedetected() {
        // A forced newline framing must not treat a leading `C` as a header block.
        let (events, decoder) = run([bytes("Content-Length: 2\n{}\n")], framing: .newlineDelimited)
        #expect(decoder.framing == .newlineDelimited)
        #expect(events == [frame("Content-Length: 2"), frame("{}")])
    }

    // MARK: Newline-delimited

    @Test func newlineStreamYieldsTrimmedFramesAndSkipsBlankLines() {
        #expect(run([ndjsonStream]).events == ndjsonFrames)
    }

    @Test func incompleteLastLineIsHeldUntilItsNewline() {
        var (events, decoder) = run([bytes("{\"a\":1}\n{\"b\":")])
        #expect(events == [frame("{\"a\":1}")])
        #expect(decoder.bufferedBytes == 5)
        decoder.feed(bytes("2}\n")) { events.append($0) }
        #expect(events == [frame("{\"a\":1}"), frame("{\"b\":2}")])
        #expect(decoder.bufferedBytes == 0)
    }

    @Test func newlineStreamIsIndependentOfChunking() {
        assertChunkingInvariance(ndjsonStream, expected: ndjsonFrames)
    }

    // MARK: Content-Length

    @Test func contentLengthStreamYieldsExactBodies() {
        #expect(run([contentLengthStream]).events == contentLengthBodies.map(frame))
    }

    @Test func contentLengthStreamIsIndependentOfChunking() {
        assertChunkingInvariance(contentLengthStream, expected: contentLengthBodies.map(frame))
    }

    @Test func otherHeadersAreIgnoredWhereverTheyStand() {
        let stream = bytes(
            "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: 2\r\n\r\n{}"
                + "Content-Length: 2\r\nContent-Type: application/json\r\n\r\n[]"
                + "X-Trace: 1\r\ncontent-LENGTH: 3\r\nX-Other: two words\r\n\r\n[1]"
        )
        assertChunkingInvariance(stream, expected: [frame("{}"), frame("[]"), frame("[1]")])
    }

    @Test func otherHeadersAreIgnoredWithBareNewlines() {
        let stream = bytes("Content-Type: application/json\nContent-Length: 2\n\n{}")
        assertChunkingInvariance(stream, expected: [frame("{}")])
    }

    @Test func bodyIsHeldUntilAllAnnouncedBytesArrive() {
        var (events, decoder) = run([bytes("Content-Length: 7\r\n\r\n{\"a\":")])
        #expect(events.isEmpty)
        decoder.feed(bytes("1}Content-Length: 2\r\n\r\n")) { events.append($0) }
        #expect(events == [frame("{\"a\":1}")])
        decoder.feed(bytes("{}")) { events.append($0) }
        #expect(events == [frame("{\"a\":1}"), frame("{}")])
    }

    @Test func bodyBytesAreCountedNotCharacters() {
        // "é" is two bytes; the length header counts bytes.
        let body = "{\"k\":\"é\"}"
        let stream = bytes("Content-Length: \(body.utf8.count)\r\n\r\n\(body)Content-Length: 2\r\n\r\n{}")
        #expect(run([stream]).events == [frame(body), frame("{}")])
    }

    // MARK: Oversized messages

    @Test func oversizedLineIsSkippedAndNextLineStillArrives() {
        let big = "{\"pad\":\"" + String(repeating: "x", count: 200) + "\"}"
        let stream = bytes("{\"before\":1}\n\(big)\n{\"after\":1}\n")
        let expected: [FrameDecoder.Event] = [
            frame("{\"before\":1}"), .oversized(bytes: big.utf8.count), frame("{\"after\":1}"),
        ]
        #expect(run([stream], maxMessageBytes: 64).events == expected)
        assertChunkingInvariance(stream, maxMessageBytes: 64, expected: expected)
    }

    @Test func oversizedLineArrivingByteByByteIsNeverBufferedWhole() {
        let limit = 64
        let big = "{\"pad\":\"" + String(repeating: "x", count: 10_000) + "\"}"
        let stream = bytes("\(big)\n{\"after\":1}\n")
        var peak = 0
        let (events, _) = run(oneByteAtATime(stream), maxMessageBytes: limit) { peak = max(peak, $0.bufferedBytes) }
        #expect(events == [.oversized(bytes: big.utf8.count), frame("{\"after\":1}")])
        // One byte over the limit may be held: a line of exactly the limit can still be awaiting its "\r\n".
        #expect(peak <= limit + 1)
    }

    @Test func lineOfExactlyTheLimitIsAccepted() {
        let body = "{\"k\":\"" + String(repeating: "y", count: 56) + "\"}"
        #expect(body.utf8.count == 64)
        let stream = bytes("\(body)\n{}\n")
        assertChunkingInvariance(stream, maxMessageBytes: 64, expected: [frame(body), frame("{}")])
    }

    @Test func lineOfExactlyTheLimitWithCRLFIsAcceptedHoweverItIsSplit() {
        // The `\r` of a CRLF ending is not part of the message, so chunking must not make it count.
        let body = "{\"k\":\"" + String(repeating: "y", count: 56) + "\"}"
        let stream = bytes("\(body)\r\n{}\r\n")
        assertChunkingInvariance(stream, maxMessageBytes: 64, expected: [frame(body), frame("{}")])
    }

    @Test func oversizedContentLengthBodyIsSkippedAndNextFrameStillArrives() {
        let limit = 64
        let big = "[" + String(repeating: "1,", count: 500) + "1]"
        let stream = bytes(
            "Content-Length: 2\r\n\r\n{}"
                + "Content-Length: \(big.utf8.count)\r\n\r\n\(big)"
                + "Content-Length: 11\r\n\r\n{\"after\":1}"
        )
        let expected: [FrameDecoder.Event] = [frame("{}"), .oversized(bytes: big.utf8.count), frame("{\"after\":1}")]
        #expect(run([stream], maxMessageBytes: limit).events == expected)
        var peak = 0
        let byteWise = run(oneByteAtATime(stream), maxMessageBytes: limit) { peak = max(peak, $0.bufferedBytes) }
        #expect(byteWise.events == expected)
        #expect(peak <= limit)
        assertChunkingInvariance(stream, maxMessageBytes: limit, expected: expected)
    }

    // MARK: Bad headers

    @Test(arguments: [
        "Content-Length: -5\r\n\r\n",
        "Content-Length: abc\r\n\r\n",
        "Content-Length: 1.5\r\n\r\n",
        "Content-Length:\r\n\r\n",
        "Content-Type: application/json\r\n\r\n",
        "Content-Length 2\r\n\r\n",
    ])
    func badHeaderIsReportedAndNextFrameStillDecodes(header: String) {
        let stream = bytes("Content-Length: 2\r\n\r\n[]" + header + "Content-Length: 2\r\n\r\n{}")
        for chunks in [[stream], oneByteAtATime(stream)] {
            let events = run(chunks).events
            #expect(events.count == 3, "\(header.debugDescription)")
            guard events.count == 3 else { continue }
            #expect(events[0] == frame("[]"))
            #expect(isBadHeader(events[1]), "\(header.debugDescription) gave \(events[1])")
            #expect(events[2] == frame("{}"))
        }
    }

    @Test func endlessHeaderBlockIsReportedAndNotBufferedWithoutLimit() {
        let stream = bytes("Content-Length: 2\r\nX-Junk: " + String(repeating: "z", count: 20_000))
        var peak = 0
        let (events, _) = run(oneByteAtATime(stream)) { peak = max(peak, $0.bufferedBytes) }
        #expect(events.contains(where: isBadHeader))
        #expect(peak <= 8 * 1024 + 1)
    }

    // MARK: Larger streams

    @Test func manyMessagesInOddSizedChunksAllArrive() {
        let bodies = (0..<3000).map { "{\"jsonrpc\":\"2.0\",\"method\":\"n\",\"params\":[\($0)]}" }
        let expected = bodies.map(frame)
        let nd = bytes(bodies.joined(separator: "\n") + "\n")
        let cl = bytes(bodies.map { "Content-Length: \($0.utf8.count)\r\n\r\n\($0)" }.joined())
        for stream in [nd, cl] {
            let chunks = stride(from: 0, to: stream.count, by: 997).map {
                Array(stream[$0..<min($0 + 997, stream.count)])
            }
            #expect(run(chunks).events == expected)
        }
    }
}

/// The stream fed whole, one byte at a time, and split in two at every position gives `expected`.
private func assertChunkingInvariance(
    _ stream: [UInt8],
    maxMessageBytes: Int = 1024,
    expected: [FrameDecoder.Event],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(run([stream], maxMessageBytes: maxMessageBytes).events == expected, "whole", sourceLocation: sourceLocation)
    #expect(
        run(oneByteAtATime(stream), maxMessageBytes: maxMessageBytes).events == expected,
        "one byte at a time",
        sourceLocation: sourceLocation
    )
    var failedSplits: [Int] = []
    for split in 0...stream.count {
        let chunks = [Array(stream[..<split]), Array(stream[split...])]
        if run(chunks, maxMessageBytes: maxMessageBytes).events != expected { failedSplits.append(split) }
    }
    #expect(failedSplits.isEmpty, "splits giving other events: \(failedSplits)", sourceLocation: sourceLocation)
}
