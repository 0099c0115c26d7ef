import CJansson

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a byte sequence is not a JSON text, as jansson reports it.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// jansson's message, such as "unable to decode byte 0xff" or "maximum parsing depth reached".
    public var message: String
    /// Byte offset of the problem in the input.
    public var position: Int
    /// 1-based line and column (in characters) of the problem, as jansson counts them.
    public var line: Int = 1
    public var column: Int = 1

    public var description: String { "\(message) at byte \(position)" }
}

extension JSONValue {
    /// Parses one JSON text (object or array at the top, as JSON-RPC requires; with `allowScalars` anything).
    ///
    /// `\u0000` in a string is valid JSON (RFC 8259 §7) and editors send it (a binary file attached to a
    /// prompt), so it is accepted (`JSON_ALLOW_NUL`) and kept: strings are read by length, never as C
    /// strings. jansson still rejects it in an object key, as it does invalid UTF-8, integers outside
    /// Int64, reals that overflow and nesting deeper than 2048; every rejection is a thrown
    /// ``JSONParseError``, never a crash.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer,
        allowScalars: Bool = false
    ) throws(JSONParseError)
        -> JSONValue
    {
        var error = json_error_t()
        let flags = Int(JSON_ALLOW_NUL) | (allowScalars ? Int(JSON_DECODE_ANY) : 0)
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count > 0 else {
            throw JSONParseError(message: "'[' or '{' expected near end of file", position: 0)
        }
        guard let root = json_loadb(base, bytes.count, flags, &error) else {
            let text = withUnsafeBytes(of: &error.text) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            throw JSONParseError(
                message: text,
                position: Int(error.position),
                line: Int(error.line),
                column: Int(error.column)
            )
        }
        defer { json_decref(root) }
        return JSONValue(jansson: root)
    }

    /// Parses one JSON text from a byte array.
    public static func parse(_ bytes: [UInt8], allowScalars: Bool = false) throws(JSONParseError) -> JSONValue {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(JSONParseError) in try parse(raw, allowScalars: allowScalars) }
        }
        return try result.get()
    }

    /// Parses one JSON text from a string.
    public static func parse(_ text: String, allowScalars: Bool = false) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8), allowScalars: allowScalars)
    }

    /// Copies a jansson tree into Swift values.
    init(jansson node: UnsafeMutablePointer<json_t>) {
        switch node.pointee.type {
        case JSON_OBJECT:
            var members: [(key: String, value: JSONValue)] = []
            members.reserveCapacity(json_object_size(node))
            var iter = json_object_iter(node)
            while let it = iter {
                let keyPtr = json_object_iter_key(it)!
                let keyLen = json_object_iter_key_len(it)
                let key = keyPtr.withMemoryRebound(to: UInt8.self, capacity: keyLen) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: keyLen), as: UTF8.self)
                }
                members.append((key, JSONValue(jansson: json_object_iter_value(it))))
                iter = json_object_iter_next(node, it)
            }
            self = .object(JSONObject(members))
        case JSON_ARRAY:
            let count = json_array_size(node)
            var elements: [JSONValue] = []
            elements.reserveCapacity(count)
            for i in 0..<count { elements.append(JSONValue(jansson: json_array_get(node, i))) }
            self = .array(elements)
        case JSON_STRING:
            // By length: with `JSON_ALLOW_NUL` a string may hold NUL bytes, where a C string would end.
            let length = json_string_length(node)
            guard let chars = json_string_value(node) else {
                self = .string("")
                return
            }
            self = .string(
                chars.withMemoryRebound(to: UInt8.self, capacity: length) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                }
            )
        case JSON_INTEGER:
            self = .integer(Int64(json_integer_value(node)))
        case JSON_REAL:
            self = .double(json_real_value(node))
        case JSON_TRUE:
            self = .bool(true)
        case JSON_FALSE:
            self = .bool(false)
        default:
            self = .null
        }
    }

    /// Builds a new jansson tree (a reference the caller owns), or `nil` for a non-finite real.
    func makeJansson() -> UnsafeMutablePointer<json_t>? {
        switch self {
        case .null: return json_null()
        case .bool(let b): return b ? json_true() : json_false()
        case .integer(let i): return json_integer(json_int_t(i))
        case .double(let d): return json_real(d)
        case .string(let s):
            var s = s
            return s.withUTF8 { utf8 in
                utf8.withMemoryRebound(to: CChar.self) {
                    json_stringn_nocheck($0.baseAddress ?? emptyCString, $0.count)
                }
            }
        case .array(let elements):
            guard let array = json_array() else { return nil }
            for element in elements {
                guard let child = element.makeJansson() else {
                    json_decref(array)
                    return nil
                }
                json_array_append_new(array, child)
            }
            return array
        case .object(let object):
            guard let result = json_object() else { return nil }
            for (key, value) in object.members {
                guard let child = value.makeJansson() else {
                    json_decref(result)
                    return nil
                }
                var key = key
                key.withUTF8 { utf8 in
                    utf8.withMemoryRebound(to: CChar.self) {
                        _ = json_object_setn_new_nocheck(result, $0.baseAddress ?? emptyCString, $0.count, child)
                    }
                }
            }
            return result
        }
    }

    /// Appends the compact JSON text of this value to `buffer`, serialized by jansson.
    ///
    /// jansson streams its output through a callback straight into `buffer`: one pass, no scratch
    /// buffer and no size probe, however large the value. Non-finite reals have no JSON form and are
    /// written as `null`.
    public func encode(into buffer: inout [UInt8]) {
        guard let tree = makeJansson() else {
            JSONValue.sanitizingNonFinite(self).encode(into: &buffer)
            return
        }
        defer { json_decref(tree) }
        // One C string, copied once: jansson hands a dump callback every token separately, and a call back
        // into Swift per token costs more than the encoding. The text holds no NUL (JSON escapes it).
        guard let text = json_dumps(tree, Int(JSON_COMPACT) | Int(JSON_ENCODE_ANY)) else { return }
        defer { free(text) }
        text.withMemoryRebound(to: UInt8.self, capacity: 1) { bytes in
            buffer.append(contentsOf: UnsafeBufferPointer(start: bytes, count: strlen(text)))
        }
    }

    /// The compact JSON text of this value, serialized by jansson.
    public func encoded() -> [UInt8] {
        var buffer: [UInt8] = []
        encode(into: &buffer)
        return buffer
    }

    /// The compact JSON text of this value as a string.
    public var jsonString: String {
        String(decoding: encoded(), as: UTF8.self)
    }

    private static func sanitizingNonFinite(_ value: JSONValue) -> JSONValue {
        switch value {
        case .double(let d) where !d.isFinite: return .null
        case .array(let a): return .array(a.map(sanitizingNonFinite))
        case .object(let o): return .object(JSONObject(o.members.map { ($0.key, sanitizingNonFinite($0.value)) }))
        default: return value
        }
    }
}

/// A pointer to a NUL byte, for empty strings whose UTF-8 view has no storage.
nonisolated(unsafe) private let emptyCString: UnsafePointer<CChar> = {
    let p = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
    p.pointee = 0
    return UnsafePointer(p)
}()
