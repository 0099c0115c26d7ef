/// How messages are delimited on a byte stream.
public enum Framing: String, Sendable, Equatable, CaseIterable {
    /// One JSON text per line (ACP, MCP, scripts). jansson's compact output never holds a raw newline.
    case newlineDelimited = "ndjson"
    /// LSP base protocol: `Content-Length: N\r\n\r\n` followed by N bytes.
    case contentLength = "content-length"

    /// Decides the framing from the first non-whitespace byte a client sends: `C` (any case) means headers,
    /// anything else newline-delimited (`{`, `[`, and garbage, which then earns a parse error per line).
    public static func detect(firstByte: UInt8) -> Framing {
        firstByte == UInt8(ascii: "C") || firstByte == UInt8(ascii: "c") ? .contentLength : .newlineDelimited
    }

    /// Appends `body` framed for the wire.
    @inlinable
    public func appendFrame(body: some Collection<UInt8>, to buffer: inout [UInt8]) {
        switch self {
        case .newlineDelimited:
            buffer.append(contentsOf: body)
            buffer.append(UInt8(ascii: "\n"))
        case .contentLength:
            buffer.append(contentsOf: "Content-Length: ".utf8)
            buffer.append(contentsOf: String(body.count).utf8)
            buffer.append(contentsOf: "\r\n\r\n".utf8)
            buffer.append(contentsOf: body)
        }
    }

    /// Appends a frame whose body `write` produces in place, without an intermediate copy for
    /// newline-delimited output. `scratch` is reused across calls for header framing.
    @inlinable
    public func appendFrame(to buffer: inout [UInt8], scratch: inout [UInt8], _ write: (inout [UInt8]) -> Void) {
        switch self {
        case .newlineDelimited:
            write(&buffer)
            buffer.append(UInt8(ascii: "\n"))
        case .contentLength:
            scratch.removeAll(keepingCapacity: true)
            write(&scratch)
            appendFrame(body: scratch, to: &buffer)
        }
    }
}
