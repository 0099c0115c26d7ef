import CJansson

extension JSONValue {
    /// Appends the compact JSON text of this value, written by hand: byte for byte what
    /// ``encode(into:)`` (jansson, `JSON_COMPACT`) writes — a test compares the two over many values —
    /// without building a jansson tree or escaping through its dumper. Used for replies that carry a
    /// whole run's output, where jansson's per-character dump is the slow part. Reals are formatted by
    /// jansson itself, so even their 17-digit form matches.
    public func writeCompact(into buffer: inout [UInt8]) {
        switch self {
        case .null: ByteWriter.appendRaw("null", to: &buffer)
        case .bool(let flag):
            flag ? ByteWriter.appendRaw("true", to: &buffer) : ByteWriter.appendRaw("false", to: &buffer)
        case .integer(let value): ByteWriter.appendInteger(value, to: &buffer)
        case .double(let value):
            guard value.isFinite, let real = json_real(value) else {
                ByteWriter.appendRaw("null", to: &buffer)
                return
            }
            defer { json_decref(real) }
            var scratch = [CChar](repeating: 0, count: 64)
            let length = json_dumpb(real, &scratch, scratch.count, Int(JSON_COMPACT) | Int(JSON_ENCODE_ANY))
            scratch.prefix(length).withUnsafeBytes { buffer.append(contentsOf: $0) }
        case .string(let text): ByteWriter.appendString(text, to: &buffer)
        case .array(let elements):
            buffer.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                element.writeCompact(into: &buffer)
            }
            buffer.append(UInt8(ascii: "]"))
        case .object(let object):
            buffer.append(UInt8(ascii: "{"))
            for (index, member) in object.members.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                ByteWriter.appendString(member.key, to: &buffer)
                buffer.append(UInt8(ascii: ":"))
                member.value.writeCompact(into: &buffer)
            }
            buffer.append(UInt8(ascii: "}"))
        }
    }
}
