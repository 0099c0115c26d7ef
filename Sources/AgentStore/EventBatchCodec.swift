import AgentCore
import JSONCore

/// The private format of an ``EventBatch`` payload: a sequence of records.
///
/// - `T` u64 firstSeq, str agent, str stepId, u32 count, count × str text: a burst of tokens, stored as a
///   length-prefixed copy of each text (no JSON work on the token path or in the flush);
/// - `K` u64 seq, str kind, str body: any other event, by its kind (``StoredEventForm``), with its
///   fields as compact JSON.
///
/// Read only, for batches older versions wrote: `E` u64 seq, str method, str params, an event as the
/// `run/…` notification it was sent as (``StoredEventForm/legacyEvent(method:params:)`` reads it back).
///
/// Integers are little-endian; `str` is a u32 byte length and UTF-8 bytes. A record of a kind this
/// version does not know is skipped; damage ends the decoding.
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

    /// Appends one event: a token as a burst of one, anything else by its kind.
    static func appendEvent(seq: UInt64, event: RunEvent, to payload: inout [UInt8]) {
        if case .token(let agent, let stepId, let text) = event {
            appendTokens(firstSeq: seq, agent: agent, stepId: stepId, texts: [text], to: &payload)
            return
        }
        payload.append(UInt8(ascii: "K"))
        appendUInt64(seq, to: &payload)
        appendString(StoredEventForm.kind(of: event), to: &payload)
        appendString(JSONValue.object(StoredEventForm.body(of: event)).jsonString, to: &payload)
    }

    /// Decodes a payload; a damaged payload yields the events before the damage.
    static func decode(_ payload: [UInt8]) -> [RecordedEvent] {
        var reader = Reader(bytes: payload)
        var events: [RecordedEvent] = []
        while let record = reader.byte() {
            switch record {
            case UInt8(ascii: "T"):
                guard let first = reader.uint64(), let agent = reader.string(), let stepId = reader.string(),
                    let count = reader.uint32()
                else { return events }
                events.reserveCapacity(events.count + Int(count))
                for index in 0..<UInt64(count) {
                    guard let text = reader.string() else { return events }
                    events.append(
                        RecordedEvent(seq: first + index, event: .token(agent: agent, stepId: stepId, text: text))
                    )
                }
            case UInt8(ascii: "K"), UInt8(ascii: "E"):
                guard let seq = reader.uint64(), let name = reader.string(), let json = reader.string() else {
                    return events
                }
                let parsed: JSONValue
                do { parsed = try JSONValue.parse(json) } catch { return events }  // damaged
                guard let fields = parsed.objectValue else { return events }
                let event =
                    record == UInt8(ascii: "K")
                    ? StoredEventForm.event(kind: name, body: fields)
                    : StoredEventForm.legacyEvent(method: name, params: fields)
                if let event { events.append(RecordedEvent(seq: seq, event: event)) }
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

    static func appendString(_ text: String, to payload: inout [UInt8]) {
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
