/// Splits a Server-Sent Events byte stream into events, however the bytes are chunked.
///
/// Lines end with LF, CRLF or CR (a CRLF split across chunks counts once). A blank line ends an event;
/// its `data:` lines are joined with newlines. Comment lines (`: ping`) and other fields (`event:`,
/// `id:`, `retry:`) are skipped.
public struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var afterCR = false

    public init() {}

    /// Feeds bytes; returns the data of every event they complete, in order.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [String] {
        var events: [String] = []
        for byte in bytes {
            if afterCR {
                afterCR = false
                if byte == UInt8(ascii: "\n") { continue }
            }
            switch byte {
            case UInt8(ascii: "\n"):
                endLine(into: &events)
            case UInt8(ascii: "\r"):
                afterCR = true
                endLine(into: &events)
            default:
                line.append(byte)
            }
        }
        return events
    }

    /// The stream ended: an event still being read (no blank line after it) is delivered too.
    public mutating func finish() -> [String] {
        var events: [String] = []
        if !line.isEmpty { endLine(into: &events) }
        if hasData { endLine(into: &events) }
        return events
    }

    private mutating func endLine(into events: inout [String]) {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            if hasData { events.append(String(decoding: data, as: UTF8.self)) }
            data.removeAll(keepingCapacity: true)
            hasData = false
            return
        }
        if line[0] == UInt8(ascii: ":") { return }  // a comment
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        guard line[..<colon].elementsEqual("data".utf8) else { return }
        var start = colon < line.endIndex ? colon + 1 : colon
        if start < line.endIndex, line[start] == UInt8(ascii: " ") { start += 1 }
        if hasData { data.append(UInt8(ascii: "\n")) }
        data.append(contentsOf: line[start...])
        hasData = true
    }
}
