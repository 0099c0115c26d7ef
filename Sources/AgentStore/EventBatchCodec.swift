import AgentCore
import JSONCore

/// The private format of an ``EventBatch`` payload: a sequence of records.
///
/// - `W` u64 firstSeq, str agent, str stepId, var count, count × (var length, UTF-8 bytes): a run of
///   tokens of one step with consecutive `seq`s, each text a length and a copy (no JSON work on the
///   token path or in the flush; the writer joins the bursts recorded one after another into one record);
/// - `K` u64 seq, str kind, str body: any other event, by its kind (``StoredEventForm``), with its
///   fields as compact JSON;
/// - `J` u64 seq, str kind, str body, u8 n, n × (str member, str text): the same, with the texts of an
///   agent call (a step's `input` and `output`, which may be as long as a run's input) kept as they are
///   beside the JSON rather than escaped into it.
///
/// Read only, for batches older versions wrote: `T`, a burst as `W` but with a u32 count and u32
/// lengths; `E` u64 seq, str method, str params, an event as the `run/…` notification it was sent as
/// (``StoredEventForm/legacyEvent(method:params:)`` reads it back).
///
/// Integers are little-endian; `str` is a u32 byte length and UTF-8 bytes; `var` is an unsigned LEB128
/// varint (7 bits a byte, low first). A `K` record of a kind this version does not know is skipped; a
/// record type it does not know, or damage, ends the decoding.
enum EventBatchCodec {
    static func appendTokens(
        firstSeq: UInt64,
        agent: String,
        stepId: String,
        texts: [String],
        to payload: inout [UInt8]
    ) {
        appendTokens(firstSeq: firstSeq, agent: agent, stepId: stepId, bursts: CollectionOfOne(texts), to: &payload)
    }

    /// Appends bursts of one step whose `seq`s follow each other as one `W` record, the first text at
    /// `firstSeq`.
    static func appendTokens<Bursts: Collection<[String]>>(
        firstSeq: UInt64,
        agent: String,
        stepId: String,
        bursts: Bursts,
        to payload: inout [UInt8]
    ) {
        // Written through one pointer: per token, a length and a copy, with no growth checks.
        let start = payload.count
        let count = bursts.reduce(0) { $0 + $1.count }
        payload.append(contentsOf: repeatElement(0, count: tokensSize(agent: agent, stepId: stepId, bursts: bursts)))
        payload.withUnsafeMutableBytes { buffer in
            var offset = start
            func put<T: FixedWidthInteger>(_ value: T) {
                buffer.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
                offset += MemoryLayout<T>.size
            }
            func putVarint(_ value: Int) {
                var value = UInt(value)
                while value >= 0x80 {
                    buffer[offset] = UInt8(truncatingIfNeeded: value) | 0x80
                    offset += 1
                    value >>= 7
                }
                buffer[offset] = UInt8(value)
                offset += 1
            }
            func copy(_ utf8: UnsafeBufferPointer<UInt8>) {
                if let base = utf8.baseAddress, utf8.count > 0 {
                    (buffer.baseAddress! + offset).copyMemory(from: base, byteCount: utf8.count)
                }
                offset += utf8.count
            }
            func put(_ text: String) {
                var text = text
                text.withUTF8 { utf8 in
                    put(UInt32(utf8.count))
                    copy(utf8)
                }
            }
            put(UInt8(ascii: "W"))
            put(firstSeq)
            put(agent)
            put(stepId)
            putVarint(count)
            for texts in bursts {
                for var text in texts {
                    text.withUTF8 { utf8 in
                        putVarint(utf8.count)
                        copy(utf8)
                    }
                }
            }
        }
    }

    /// The bytes ``appendTokens(firstSeq:agent:stepId:texts:to:)`` writes.
    static func tokensSize(agent: String, stepId: String, texts: [String]) -> Int {
        tokensSize(agent: agent, stepId: stepId, bursts: CollectionOfOne(texts))
    }

    /// The bytes ``appendTokens(firstSeq:agent:stepId:bursts:to:)`` writes.
    static func tokensSize<Bursts: Collection<[String]>>(agent: String, stepId: String, bursts: Bursts) -> Int {
        let count = bursts.reduce(0) { $0 + $1.count }
        let header = 1 + 8 + 4 + agent.utf8.count + 4 + stepId.utf8.count + varintSize(count)
        return bursts.reduce(header) { total, texts in
            texts.reduce(total) { total, text in
                let length = text.utf8.count
                return total + varintSize(length) + length
            }
        }
    }

    @inline(__always) static func varintSize(_ value: Int) -> Int {
        var (value, size) = (UInt(value), 1)
        while value >= 0x80 {
            value >>= 7
            size += 1
        }
        return size
    }

    /// Appends one event: a token as a burst of one, anything else by its kind.
    static func appendEvent(seq: UInt64, event: RunEvent, to payload: inout [UInt8]) {
        if case .token(let agent, let stepId, let text) = event {
            appendTokens(firstSeq: seq, agent: agent, stepId: stepId, texts: [text], to: &payload)
            return
        }
        var body = StoredEventForm.body(of: event)
        var texts: [(member: String, text: String)] = []
        if case .step = event {
            for member in ["input", "output"] {
                guard let text = body[member]?.stringValue else { continue }
                texts.append((member, text))
                body[member] = nil
            }
        }
        payload.append(UInt8(ascii: texts.isEmpty ? "K" : "J"))
        appendUInt64(seq, to: &payload)
        appendString(StoredEventForm.kind(of: event), to: &payload)
        appendString(JSONValue.object(body).jsonString, to: &payload)
        guard !texts.isEmpty else { return }
        payload.append(UInt8(texts.count))
        for (member, text) in texts {
            appendString(member, to: &payload)
            appendString(text, to: &payload)
        }
    }

    /// Decodes a payload; a damaged payload yields the events before the damage.
    static func decode(_ payload: [UInt8]) -> [RecordedEvent] {
        var reader = Reader(bytes: payload)
        var events: [RecordedEvent] = []
        while let record = reader.byte() {
            switch record {
            case UInt8(ascii: "W"), UInt8(ascii: "T"):
                let short = record == UInt8(ascii: "W")
                guard let first = reader.uint64(), let agent = reader.string(), let stepId = reader.string(),
                    let count = short ? reader.varint() : reader.uint32().map(Int.init),
                    count <= reader.remaining  // each token takes a byte at least
                else { return events }
                events.reserveCapacity(events.count + count)
                for index in 0..<UInt64(count) {
                    guard let text = short ? reader.shortString() : reader.string() else { return events }
                    events.append(
                        RecordedEvent(seq: first + index, event: .token(agent: agent, stepId: stepId, text: text))
                    )
                }
            case UInt8(ascii: "K"), UInt8(ascii: "J"), UInt8(ascii: "E"):
                guard let seq = reader.uint64(), let name = reader.string(), let json = reader.string() else {
                    return events
                }
                let parsed: JSONValue
                do { parsed = try JSONValue.parse(json) } catch { return events }  // damaged
                guard var fields = parsed.objectValue else { return events }
                if record == UInt8(ascii: "J") {
                    guard let count = reader.byte() else { return events }
                    for _ in 0..<count {
                        guard let member = reader.string(), let text = reader.string() else { return events }
                        fields[member] = .string(text)
                    }
                }
                let event =
                    record != UInt8(ascii: "E")
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

        var remaining: Int { bytes.count - offset }

        /// An unsigned LEB128 varint of at most 9 bytes (63 bits).
        mutating func varint() -> Int? {
            var (value, shift) = (0, 0)
            while offset < bytes.count, shift < 63 {
                let byte = bytes[offset]
                offset += 1
                value |= Int(byte & 0x7f) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
            return nil
        }

        mutating func string() -> String? {
            guard let length = uint32().map(Int.init) else { return nil }
            return text(length)
        }

        /// A text whose length is a varint.
        mutating func shortString() -> String? {
            guard let length = varint() else { return nil }
            return text(length)
        }

        private mutating func text(_ length: Int) -> String? {
            guard length >= 0, length <= bytes.count - offset else { return nil }
            defer { offset += length }
            return String(decoding: bytes[offset..<offset + length], as: UTF8.self)
        }
    }
}
