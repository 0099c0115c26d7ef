import AgentCore
import JSONCore
import JSONRPC

/// An event as read back from a store: tokens stay light; every other kind keeps its params.
enum RecordedEvent: Sendable, Equatable {
    case token(seq: UInt64, agent: String, stepId: String, text: String)
    case other(seq: UInt64, method: String, params: JSONValue)

    var seq: UInt64 {
        switch self {
        case .token(let seq, _, _, _), .other(let seq, _, _): seq
        }
    }

    /// The notification exactly as it was sent live.
    func appendNotification(runId: String, to buffer: inout [UInt8]) {
        switch self {
        case .token(let seq, let agent, let stepId, let text):
            RunNotifications.appendToken(runId: runId, seq: seq, agent: agent, stepId: stepId, text: text, to: &buffer)
        case .other(_, let method, let params):
            Envelope.notification(method: method, params: params).encode(into: &buffer)
        }
    }

    /// `{seq, method, params}` for `run/events` replies.
    func json(runId: String) -> JSONValue {
        switch self {
        case .token(let seq, let agent, let stepId, let text):
            return [
                "seq": .int(seq), "method": .string(RunNotifications.token),
                "params": [
                    "runId": .string(runId), "seq": .int(seq), "agent": .string(agent), "stepId": .string(stepId),
                    "text": .string(text),
                ],
            ]
        case .other(let seq, let method, let params):
            return ["seq": .int(seq), "method": .string(method), "params": params]
        }
    }
}

/// The private format of an ``EventBatch`` payload: a sequence of records.
///
/// - `T` u64 firstSeq, str agent, str stepId, u32 count, count × str text — a burst of tokens, stored with
///   a length-prefixed copy of each text (no JSON work on the token path or in the flush);
/// - `E` u64 seq, str method, str params (compact JSON) — any other event.
///
/// Integers are little-endian; `str` is a u32 byte length and UTF-8 bytes.
enum EventBatchCodec {
    static func appendTokens(
        firstSeq: UInt64,
        agent: String,
        stepId: String,
        texts: [String],
        to payload: inout [UInt8]
    ) {
        // Written through one pointer: per token, a length and a copy, with no growth checks.
        let start = payload.count
        payload.append(contentsOf: repeatElement(0, count: tokensSize(agent: agent, stepId: stepId, texts: texts)))
        payload.withUnsafeMutableBytes { buffer in
            var offset = start
            func put<T: FixedWidthInteger>(_ value: T) {
                buffer.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
                offset += MemoryLayout<T>.size
            }
            func put(_ text: String) {
                var text = text
                text.withUTF8 { utf8 in
                    put(UInt32(utf8.count))
                    if let base = utf8.baseAddress, utf8.count > 0 {
                        (buffer.baseAddress! + offset).copyMemory(from: base, byteCount: utf8.count)
                    }
                    offset += utf8.count
                }
            }
            put(UInt8(ascii: "T"))
            put(firstSeq)
            put(agent)
            put(stepId)
            put(UInt32(texts.count))
            for text in texts { put(text) }
        }
    }

    /// The bytes ``appendTokens(firstSeq:agent:stepId:texts:to:)`` writes.
    static func tokensSize(agent: String, stepId: String, texts: [String]) -> Int {
        texts.reduce(1 + 8 + 4 + agent.utf8.count + 4 + stepId.utf8.count + 4) { $0 + 4 + $1.utf8.count }
    }

    static func appendEvent(runId: String, seq: UInt64, event: RunEvent, to payload: inout [UInt8]) {
        payload.append(UInt8(ascii: "E"))
        appendUInt64(seq, to: &payload)
        appendString(RunNotifications.method(of: event), to: &payload)
        appendString(
            JSONValue.object(RunNotifications.params(runId: runId, seq: seq, event: event)).jsonString,
            to: &payload
        )
    }

    /// Decodes a payload; a damaged payload yields the events before the damage.
    static func decode(_ payload: [UInt8]) -> [RecordedEvent] {
        var reader = Reader(bytes: payload)
        var events: [RecordedEvent] = []
        while let kind = reader.byte() {
            switch kind {
            case UInt8(ascii: "T"):
                guard let first = reader.uint64(), let agent = reader.string(), let stepId = reader.string(),
                    let count = reader.uint32()
                else { return events }
                for index in 0..<UInt64(count) {
                    guard let text = reader.string() else { return events }
                    events.append(.token(seq: first + index, agent: agent, stepId: stepId, text: text))
                }
            case UInt8(ascii: "E"):
                guard let seq = reader.uint64(), let method = reader.string(), let params = reader.string(),
                    let value = try? JSONValue.parse(params)
                else { return events }
                events.append(.other(seq: seq, method: method, params: value))
            default:
                return events
            }
        }
        return events
    }

    private static func appendUInt64(_ value: UInt64, to payload: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { payload.append(contentsOf: $0) }
    }

    private static func appendUInt32(_ value: UInt32, to payload: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { payload.append(contentsOf: $0) }
    }

    private static func appendString(_ text: String, to payload: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            appendUInt32(UInt32(utf8.count), to: &payload)
            payload.append(contentsOf: utf8)
        }
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func byte() -> UInt8? {
            guard offset < bytes.count else { return nil }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func uint64() -> UInt64? {
            guard offset + 8 <= bytes.count else { return nil }
            var value: UInt64 = 0
            for k in 0..<8 { value |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
            offset += 8
            return value
        }

        mutating func uint32() -> UInt32? {
            guard offset + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for k in 0..<4 { value |= UInt32(bytes[offset + k]) << (8 * UInt32(k)) }
            offset += 4
            return value
        }

        mutating func string() -> String? {
            guard let length = uint32().map(Int.init), offset + length <= bytes.count else { return nil }
            defer { offset += length }
            return String(decoding: bytes[offset..<offset + length], as: UTF8.self)
        }
    }
}
