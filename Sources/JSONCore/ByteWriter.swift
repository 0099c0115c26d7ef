/// Appends JSON fragments to a byte buffer by hand, for the notifications sent once per token.
///
/// The output is byte for byte what jansson writes with `JSON_COMPACT` (a test compares the two), at a
/// fraction of the cost of building and dumping a tree: `"` and `\` are escaped, `\b \f \n \r \t` use
/// their short forms, other bytes below 0x20 become `\u00XX` with upper-case hex (NUL, which a parsed
/// string may hold, is `\u0000`), everything else (including non-ASCII UTF-8 and `/`) is copied as is.
public enum ByteWriter {
    /// Appends `text` as a quoted, escaped JSON string.
    @inlinable
    public static func appendString(_ text: some StringProtocol, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        var text = String(text)
        text.withUTF8 { utf8 in
            var runStart = 0
            for (i, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                if runStart < i { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i])) }
                appendEscape(byte, to: &buffer)
                runStart = i + 1
            }
            if runStart < utf8.count {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }

    @usableFromInline
    static func appendEscape(_ byte: UInt8, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\\"))
        switch byte {
        case 0x22: buffer.append(UInt8(ascii: "\""))
        case 0x5C: buffer.append(UInt8(ascii: "\\"))
        case 0x08: buffer.append(UInt8(ascii: "b"))
        case 0x0C: buffer.append(UInt8(ascii: "f"))
        case 0x0A: buffer.append(UInt8(ascii: "n"))
        case 0x0D: buffer.append(UInt8(ascii: "r"))
        case 0x09: buffer.append(UInt8(ascii: "t"))
        default:
            let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
            buffer.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
            buffer.append(hex[Int(byte >> 4)])
            buffer.append(hex[Int(byte & 0xF)])
        }
    }

    /// Appends a decimal integer.
    @inlinable
    public static func appendInteger(_ value: some BinaryInteger, to buffer: inout [UInt8]) {
        if value == 0 {
            buffer.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = UInt64(value.magnitude)
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        let count = withUnsafeMutableBytes(of: &digits) { raw -> Int in
            var n = 0
            while magnitude > 0 {
                raw[31 - n] = UInt8(ascii: "0") &+ UInt8(magnitude % 10)
                magnitude /= 10
                n += 1
            }
            return n
        }
        withUnsafeBytes(of: &digits) { raw in
            buffer.append(contentsOf: raw[(32 - count)...])
        }
    }

    /// Appends ASCII text exactly as given (keys, punctuation, literal fragments).
    @inlinable
    public static func appendRaw(_ text: StaticString, to buffer: inout [UInt8]) {
        text.withUTF8Buffer { buffer.append(contentsOf: $0) }
    }
}
