import JSONCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Newline-delimited JSON-RPC as the bench writes it: request bytes built by hand, reply lines read
/// with `read(2)` and split with `memchr`.
enum Wire {
    static let newline = UInt8(ascii: "\n")

    /// The `initialize` request (with a newline), as a client's first message.
    static func initializeRequest(id: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        ByteWriter.appendRaw(#"{"jsonrpc":"2.0","id":"#, to: &bytes)
        ByteWriter.appendInteger(id, to: &bytes)
        ByteWriter.appendRaw(#","method":"initialize","params":{}}"#, to: &bytes)
        bytes.append(newline)
        return bytes
    }

    /// Appends `{"jsonrpc":"2.0","id":N,"method":"ping"}` and a newline.
    static func appendPing(id: Int, to bytes: inout [UInt8]) {
        ByteWriter.appendRaw(#"{"jsonrpc":"2.0","id":"#, to: &bytes)
        ByteWriter.appendInteger(id, to: &bytes)
        ByteWriter.appendRaw(#","method":"ping"}"#, to: &bytes)
        bytes.append(newline)
    }

    /// Appends the reply the server is expected to send to ping `id` (without a newline).
    static func appendPingReply(id: Int, to bytes: inout [UInt8]) {
        ByteWriter.appendRaw(#"{"jsonrpc":"2.0","id":"#, to: &bytes)
        ByteWriter.appendInteger(id, to: &bytes)
        ByteWriter.appendRaw(#","result":{}}"#, to: &bytes)
    }

    /// An `agent/run` request for the echo agent whose input is "w1 w2 … wN" (with a newline).
    static func runRequest(id: Int, words: Int) -> (request: [UInt8], inputBytes: Int) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(words * 9 + 128)
        ByteWriter.appendRaw(#"{"jsonrpc":"2.0","id":"#, to: &bytes)
        ByteWriter.appendInteger(id, to: &bytes)
        ByteWriter.appendRaw(#","method":"agent/run","params":{"agent":"echo","input":""#, to: &bytes)
        let inputStart = bytes.count
        for i in 1...max(words, 1) {
            if i > 1 { bytes.append(UInt8(ascii: " ")) }
            bytes.append(UInt8(ascii: "w"))
            ByteWriter.appendInteger(i, to: &bytes)
        }
        let inputBytes = bytes.count - inputStart
        ByteWriter.appendRaw(#""}}"#, to: &bytes)
        bytes.append(newline)
        return (bytes, inputBytes)
    }

    /// Parses one line with jansson, or explains why it is not JSON.
    static func parse(_ line: UnsafeRawBufferPointer) throws(BenchError) -> JSONValue {
        do {
            return try JSONValue.parse(line)
        } catch {
            let shown = String(decoding: line.prefix(200), as: UTF8.self)
            throw BenchError("the server sent a line that is not JSON (\(error)): \(shown)")
        }
    }

    /// Parses a line kept as an array.
    static func parse(_ line: [UInt8]) throws(BenchError) -> JSONValue {
        do {
            return try JSONValue.parse(line)
        } catch {
            let shown = String(decoding: line.prefix(200), as: UTF8.self)
            throw BenchError("the server sent a line that is not JSON (\(error)): \(shown)")
        }
    }
}

/// Whether `line` starts with `prefix`, compared with `memcmp`.
@inline(__always)
func hasPrefix(_ line: UnsafeRawBufferPointer, _ prefix: UnsafeRawBufferPointer) -> Bool {
    line.count >= prefix.count && memcmp(line.baseAddress!, prefix.baseAddress!, prefix.count) == 0
}

/// Whether `line` ends with `suffix`, compared with `memcmp`.
@inline(__always)
func hasSuffix(_ line: UnsafeRawBufferPointer, _ suffix: UnsafeRawBufferPointer) -> Bool {
    line.count >= suffix.count
        && memcmp(line.baseAddress! + (line.count - suffix.count), suffix.baseAddress!, suffix.count) == 0
}

/// A byte string kept for the life of the process, for `memcmp` against lines.
struct StaticBytes: @unchecked Sendable {
    let buffer: UnsafeRawBufferPointer

    init(_ text: String) {
        let bytes = Array(text.utf8)
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        bytes.withUnsafeBytes { storage.copyMemory(from: $0) }
        buffer = UnsafeRawBufferPointer(storage)
    }
}

/// Reads the server's stdout one line at a time, for the request/reply phases.
final class LineReader {
    let fd: Int32
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    private var start = 0
    private var end = 0
    private(set) var bytesRead = 0

    init(fd: Int32, capacity: Int = 64 * 1024) {
        self.fd = fd
        self.capacity = capacity
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// Calls `body` with the next complete line (without its newline), or returns nil at end of stream.
    /// The line is valid only inside `body`.
    func withNextLine<R>(_ body: (UnsafeRawBufferPointer) throws(BenchError) -> R) throws(BenchError) -> R? {
        while true {
            if end > start, let found = memchr(buffer + start, Int32(Wire.newline), end - start) {
                let length = (buffer + start).distance(to: found)
                let line = UnsafeRawBufferPointer(start: buffer + start, count: length)
                start += length + 1
                return try body(line)
            }
            if start > 0 {
                if end > start { memmove(buffer, buffer + start, end - start) }
                end -= start
                start = 0
            }
            if end == capacity {
                let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
                bigger.copyMemory(from: buffer, byteCount: end)
                buffer.deallocate()
                buffer = bigger
                capacity *= 2
            }
            let n = read(fd, buffer + end, capacity - end)
            if n > 0 {
                end += n
                bytesRead += n
            } else if n == 0 {
                return nil
            } else if errno != EINTR {
                throw .errno("read from server")
            }
        }
    }

    /// The next line as an array, or nil at end of stream.
    func nextLine() throws(BenchError) -> [UInt8]? {
        try withNextLine { line throws(BenchError) in Array(line) }
    }

    /// Bytes read but not yet returned as lines (handed over to a ``LineSplitter``).
    var pending: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: buffer + start, count: end - start) }
}

/// Splits a stream read in large chunks into lines with `memchr`; a line cut by a chunk boundary is
/// assembled in `carry`, everything else is handed out in place.
struct LineSplitter {
    private var carry: [UInt8] = []

    /// Calls `onLine` for each complete line of `chunk` (plus what earlier chunks left over); stops and
    /// returns false as soon as `onLine` returns false.
    @inline(__always)
    mutating func feed(_ chunk: UnsafeRawBufferPointer, _ onLine: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        guard var p = chunk.baseAddress, chunk.count > 0 else { return true }
        let end = p + chunk.count
        while p < end {
            guard let found = memchr(p, Int32(Wire.newline), p.distance(to: end)) else {
                appendBytes(UnsafeRawBufferPointer(start: p, count: p.distance(to: end)), to: &carry)
                return true
            }
            let newline = UnsafeRawPointer(found)
            let more: Bool
            if carry.isEmpty {
                more = onLine(UnsafeRawBufferPointer(start: p, count: p.distance(to: newline)))
            } else {
                appendBytes(UnsafeRawBufferPointer(start: p, count: p.distance(to: newline)), to: &carry)
                more = carry.withUnsafeBytes { onLine($0) }
                carry.removeAll(keepingCapacity: true)
            }
            p = newline + 1
            if !more { return false }
        }
        return true
    }
}

/// Appends raw bytes with one `memcpy` (the generic `append(contentsOf:)` of a raw buffer goes byte by byte).
@inline(__always)
func appendBytes(_ bytes: UnsafeRawBufferPointer, to array: inout [UInt8]) {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    array.append(contentsOf: UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: bytes.count))
}

/// Monotonic clock in nanoseconds.
@inline(__always)
func now() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// CPU time (user + system) this process has used so far, all threads.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_utime.seconds + usage.ru_stime.seconds
}
