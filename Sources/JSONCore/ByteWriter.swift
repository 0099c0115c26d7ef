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
            guard let base = utf8.baseAddress else { return }
            let count = utf8.count
            var runStart = 0
            var i = 0
            while i < count {
                // Eight bytes at a time while none of them needs escaping (most text).
                if i + 8 <= count, !anyNeedsEscape(UnsafeRawPointer(base + i)) {
                    i += 8
                    continue
                }
                let byte = utf8[i]
                if byte < 0x20 || byte == 0x22 || byte == 0x5C {
                    if runStart < i { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i])) }
                    appendEscape(byte, to: &buffer)
                    runStart = i + 1
                }
                i += 1
            }
            if runStart < count {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<count]))
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }

    /// Whether any of the eight bytes at `bytes` is a control byte, `"` or `\`: each test sets a byte's
    /// top bit where it holds (a byte below 0x20, or one equal to the mark), with no false answer for the
    /// word as a whole (a borrow can only spread from a byte that holds).
    @usableFromInline @inline(__always)
    static func anyNeedsEscape(_ bytes: UnsafeRawPointer) -> Bool {
        let word = bytes.loadUnaligned(as: UInt64.self)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let tops: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let control = (word &- ones &* 0x20) & ~word
        let quote = (quotes &- ones) & ~quotes
        let backslash = (backslashes &- ones) & ~backslashes
        return (control | quote | backslash) & tops != 0
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
            buffer.append(UInt8(ascii: "u"))
            buffer.append(UInt8(ascii: "0"))
            buffer.append(UInt8(ascii: "0"))
            buffer.append(upperHex[Int(byte >> 4)])
            buffer.append(upperHex[Int(byte & 0xF)])
        }
    }

    /// Hex digits as jansson writes them in `\u00XX`.
    private static let upperHex: [UInt8] = Array("0123456789ABCDEF".utf8)

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
