#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Splits an input byte stream into message frames, detecting the framing from the first byte.
///
/// Input may arrive in pieces of any size, down to one byte at a time. Every problem is reported as an
/// event and then skipped, so the stream always recovers: a message over `maxMessageBytes` is discarded
/// while it streams in (it is never buffered whole), and a header block that cannot be read is dropped.
public struct FrameDecoder: Sendable {
    public enum Event: Equatable, Sendable {
        /// One complete message body.
        case frame([UInt8])
        /// A message larger than the limit was skipped; `bytes` is its size (at least the limit).
        case oversized(bytes: Int)
        /// A Content-Length header block that could not be used was skipped.
        case badHeader(String)
    }

    public let maxMessageBytes: Int
    /// `nil` until the first non-whitespace byte arrives.
    public private(set) var framing: Framing?

    private var buffer: [UInt8] = []
    private var start = 0
    /// Where the search for the next delimiter resumes, so long messages are not rescanned.
    private var scanFrom = 0
    /// Bytes still to drop from an oversized message; for newline framing, `Int.max` means "until newline".
    private var discarding: Int? = nil
    private var discardedSoFar = 0
    /// The body length announced by the last header block, while its body is awaited.
    private var pendingBody: Int? = nil

    private static let maxHeaderBytes = 8 * 1024

    public init(maxMessageBytes: Int = 16 * 1024 * 1024, framing: Framing? = nil) {
        self.maxMessageBytes = maxMessageBytes
        self.framing = framing
    }

    /// Bytes held and not yet part of an emitted event.
    public var bufferedBytes: Int { buffer.count - start }

    /// Feeds bytes and reports every event they complete, in order.
    public mutating func feed(_ bytes: some Collection<UInt8>, _ emit: (Event) -> Void) {
        buffer.append(contentsOf: bytes)
        while step(emit) {}
        compact()
    }

    /// Processes at most one event; returns whether progress was made.
    private mutating func step(_ emit: (Event) -> Void) -> Bool {
        if framing == nil {
            while start < buffer.count, Self.isWhitespace(buffer[start]) { start += 1 }
            guard start < buffer.count else { return false }
            framing = Framing.detect(firstByte: buffer[start])
            scanFrom = start
        }
        if let remaining = discarding { return discard(remaining, emit) }
        switch framing! {
        case .newlineDelimited: return nextLine(emit)
        case .contentLength: return nextContentLengthFrame(emit)
        }
    }

    private mutating func discard(_ remaining: Int, _ emit: (Event) -> Void) -> Bool {
        let available = buffer.count - start
        if remaining == Int.max {
            // Newline framing: drop through the next newline.
            if let newline = newline(from: start) {
                discardedSoFar += newline - start
                start = newline + 1
                scanFrom = start
                discarding = nil
                emit(.oversized(bytes: discardedSoFar))
                return true
            }
            discardedSoFar += available
            start = buffer.count
            scanFrom = start
            return false
        }
        let take = min(remaining, available)
        start += take
        scanFrom = start
        if take == remaining {
            discarding = nil
            return true
        }
        discarding = remaining - take
        return false
    }

    private mutating func nextLine(_ emit: (Event) -> Void) -> Bool {
        guard let newline = newline(from: scanFrom) else {
            scanFrom = buffer.count
            // One byte of slack: a line of exactly the limit may still be waiting for its "\r\n".
            if buffer.count - start > maxMessageBytes + 1 {
                discardedSoFar = buffer.count - start
                start = buffer.count
                scanFrom = start
                discarding = Int.max
            }
            return false
        }
        var end = newline
        while end > start, Self.isWhitespace(buffer[end - 1]) { end -= 1 }
        var first = start
        while first < end, Self.isWhitespace(buffer[first]) { first += 1 }
        let length = end - first
        start = newline + 1
        scanFrom = start
        if length > maxMessageBytes {
            emit(.oversized(bytes: length))
        } else if length > 0 {
            emit(.frame(Array(buffer[first..<end])))
        }
        return true
    }

    private mutating func nextContentLengthFrame(_ emit: (Event) -> Void) -> Bool {
        if let length = pendingBody {
            guard buffer.count - start >= length else { return false }
            emit(.frame(Array(buffer[start..<start + length])))
            start += length
            scanFrom = start
            pendingBody = nil
            return true
        }
        // Skip stray blank lines between frames.
        while start < buffer.count, Self.isWhitespace(buffer[start]) { start += 1 }
        if scanFrom < start { scanFrom = start }
        guard let headerEnd = findHeaderEnd() else {
            scanFrom = max(start, buffer.count - 3)
            if buffer.count - start > Self.maxHeaderBytes {
                emit(.badHeader("header block longer than \(Self.maxHeaderBytes) bytes"))
                start = buffer.count
                scanFrom = start
            }
            return false
        }
        let header = String(decoding: buffer[start..<headerEnd.headerEnd], as: UTF8.self)
        start = headerEnd.bodyStart
        scanFrom = start
        switch Self.contentLength(in: header) {
        case .failure(let problem):
            emit(.badHeader(problem.description))
        case .success(let length) where length > maxMessageBytes:
            emit(.oversized(bytes: length))
            discarding = length
        case .success(let length):
            pendingBody = length
        }
        return true
    }

    /// Finds the blank line ending a header block: `\r\n\r\n`, or a bare `\n\n` from lenient clients.
    private func findHeaderEnd() -> (headerEnd: Int, bodyStart: Int)? {
        var from = max(scanFrom, start)
        while let i = newline(from: from) {
            if i + 1 < buffer.count, buffer[i + 1] == UInt8(ascii: "\n") { return (i, i + 2) }
            if i + 2 < buffer.count, buffer[i + 1] == UInt8(ascii: "\r"), buffer[i + 2] == UInt8(ascii: "\n") {
                return (i, i + 3)
            }
            from = i + 1
        }
        return nil
    }

    /// The index of the first `\n` in the buffer at or after `from`, found with `memchr` (a byte-by-byte
    /// loop costs several times more on long messages).
    private func newline(from: Int) -> Int? {
        guard from < buffer.count else { return nil }
        return buffer.withUnsafeBufferPointer { bytes -> Int? in
            guard let base = bytes.baseAddress, let found = memchr(base + from, 0x0A, bytes.count - from) else {
                return nil
            }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    static func contentLength(in header: String) -> Result<Int, HeaderProblemText> {
        var length: Int? = nil
        // Split on the bytes: in Swift "\r\n" is a single Character, equal to neither "\r" nor "\n".
        for lineBytes in header.utf8.split(whereSeparator: { $0 == 0x0D || $0 == 0x0A }) {
            let line = Substring(lineBytes)
            guard let colon = line.firstIndex(of: ":") else {
                return .failure(HeaderProblemText("header line without a colon: \(line.prefix(80))"))
            }
            let name = line[..<colon].trimmingWhitespace()
            guard name.lowercased() == "content-length" else { continue }
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            guard !value.isEmpty, value.allSatisfy(\.isASCIIDigitCharacter), value.count <= 18, let n = Int(value)
            else {
                return .failure(HeaderProblemText("Content-Length is not a non-negative integer: \(value.prefix(40))"))
            }
            length = n
        }
        guard let length else { return .failure(HeaderProblemText("header block without Content-Length")) }
        return .success(length)
    }

    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
            start = 0
            scanFrom = 0
        } else if start > 64 * 1024 && start > buffer.count / 2 {
            buffer.removeFirst(start)
            scanFrom -= start
            start = 0
        }
    }

    /// The bytes skipped before detection and around frames: space, tab, CR, LF.
    public static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}

/// Why a header block was rejected.
public struct HeaderProblemText: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return s
    }
}
