/// Streamed text held back so it goes out in fewer, larger notifications: every face merges consecutive
/// tokens this way (the native face per step when a client asks for `tokenCoalesceMs`, ACP into
/// `agent_message_chunk`s, MCP into progress messages).
///
/// A value type meant to live inside its owner's lock, so that merged text is released in the same
/// critical section as the events around it and can never overtake or trail them.
public struct TokenCoalescer: Sendable {
    /// Text of one stream (a step, or the whole run) held so far.
    public struct Chunk: Sendable, Equatable {
        public var key: String
        public var agent: String
        public var text: String
        /// The sequence number of the last token merged in.
        public var lastSeq: UInt64
    }

    /// A chunk never grows past this many UTF-8 bytes (a single larger token goes alone).
    public let maxBytes: Int
    /// The streams held, few at a time (usually one), searched linearly: cheaper per token than hashing
    /// a key, and the last one used is tried first.
    private var held: [Chunk] = []
    private var lastUsed = 0
    private var timerArmed = false

    public init(maxBytes: Int = .max) {
        self.maxBytes = maxBytes
    }

    /// Holds `text` (token `seq` of stream `key`).
    /// - Returns: the stream's earlier text when adding this token would pass ``maxBytes``: send it now,
    ///   before anything else.
    public mutating func add(key: String = "", agent: String = "", text: String, seq: UInt64 = 0) -> Chunk? {
        guard let index = index(of: key) else {
            held.append(Chunk(key: key, agent: agent, text: text, lastSeq: seq))
            lastUsed = held.count - 1
            return nil
        }
        lastUsed = index
        var full: Chunk?
        if !held[index].text.isEmpty, held[index].text.utf8.count + text.utf8.count > maxBytes {
            full = held[index]
            held[index].text = ""
        }
        // Appended in place: a copy of the chunk would copy all the text held so far, for every token.
        held[index].text += text
        held[index].lastSeq = seq
        return full
    }

    /// Whether the caller must schedule a flush now: true once for the first text held since the last
    /// ``drain()``.
    public mutating func armTimer() -> Bool {
        guard !held.isEmpty, !timerArmed else { return false }
        timerArmed = true
        return true
    }

    /// Takes everything held, oldest last token first (so sequence numbers still increase on the wire),
    /// and disarms the timer.
    public mutating func drain() -> [Chunk] {
        timerArmed = false
        guard !held.isEmpty else { return [] }
        defer {
            held.removeAll(keepingCapacity: true)
            lastUsed = 0
        }
        return held.count == 1 ? held : held.sorted { $0.lastSeq < $1.lastSeq }
    }

    public var isEmpty: Bool { held.isEmpty }

    private func index(of key: String) -> Int? {
        if lastUsed < held.count, held[lastUsed].key == key { return lastUsed }
        return held.firstIndex { $0.key == key }
    }

}
