import JSONCore
import Synchronization

/// What a provider is asked: the new input, with the agent's instructions and the conversation so far.
public struct ProviderRequest: Sendable {
    public var input: String
    public var systemPrompt: String
    /// Earlier turns of the session, oldest first.
    public var history: [Turn]
    /// The JSON Schema the reply must match, when this call produces a run's structured output. A
    /// provider that cannot ask its model for it natively gets it in ``instructions``.
    public var outputSchema: JSONValue?

    public init(input: String, systemPrompt: String = "", history: [Turn] = [], outputSchema: JSONValue? = nil) {
        self.input = input
        self.systemPrompt = systemPrompt
        self.history = history
        self.outputSchema = outputSchema
    }

    /// The system prompt with the output schema spelled out, for providers without a native way to
    /// constrain the reply.
    public var instructions: String {
        guard let outputSchema else { return systemPrompt }
        let rule = "Reply with JSON only, with no other text, matching this JSON Schema:\n\(outputSchema.jsonString)"
        return systemPrompt.isEmpty ? rule : systemPrompt + "\n\n" + rule
    }
}

/// One exchange of a session.
public struct Turn: Sendable, Equatable {
    public var input: String
    public var output: String
    /// What the turn's run used and cost, as its result reported it; `nil` for a turn kept without it.
    public var usage: Usage?

    public init(input: String, output: String, usage: Usage? = nil) {
        self.input = input
        self.output = output
        self.usage = usage
    }
}

/// Produces a model's output as a stream of tokens into a ``StepContext``.
public protocol Provider: Sendable {
    /// Streams the reply. Throws `CancellationError` when the run is cancelled; the partial output
    /// stays in the context. Other errors are provider failures.
    func stream(_ request: ProviderRequest, context: StepContext) async throws
}

/// Streams its input back one word at a time: each token is a word and the whitespace after it (the
/// first also carries any leading whitespace), so the tokens concatenate to the input and N words give
/// exactly N tokens. Deterministic, offline, and fast enough to benchmark the wire.
public struct EchoProvider: Provider {
    public var delayMs: Int
    /// Emit one line of reasoning before answering.
    public var thinking: Bool
    /// Answer with every user turn of the session so far, one per line, ending with this one.
    public var history: Bool

    /// Without a delay, tokens go out in bursts of this many, with a checkpoint (cancellation,
    /// backpressure) between bursts.
    static let checkpointInterval = 256

    public init(delayMs: Int = 0, thinking: Bool = false, history: Bool = false) {
        self.delayMs = delayMs
        self.thinking = thinking
        self.history = history
    }

    /// The text the echo provider answers `request` with.
    public func reply(to request: ProviderRequest) -> String {
        guard history else { return request.input }
        return (request.history.map(\.input) + [request.input]).joined(separator: "\n")
    }

    public func stream(_ request: ProviderRequest, context: StepContext) async throws {
        var text = reply(to: request)
        try await context.checkpoint()
        if thinking {
            context.emitThinking("The reply repeats the input: \(EchoProvider.tokens(of: text).count) words.")
        }
        if delayMs > 0 {
            // Paced by the shared ``Pacer``, which emits each token from its own thread at its time; when
            // the client falls behind, this task takes over to wait (backpressure), then pacing resumes.
            let tokens = EchoProvider.tokens(of: text)
            let next = Mutex(0)
            while next.withLock({ $0 }) < tokens.count {
                try await context.checkpoint(yielding: false)
                _ = try await Pacer.shared.drive(every: .milliseconds(delayMs)) {
                    guard context.hasCapacity else { return .needsTask }
                    let index = next.withLock { index in
                        defer { index += 1 }
                        return index
                    }
                    context.emitToken(String(tokens[index]))
                    return index + 1 < tokens.count ? .next : .done
                }
            }
            return
        }
        // Without a delay, tokens go out in bursts: one lock and one queue append per burst, and a
        // checkpoint (cancellation, backpressure, a yield) between bursts.
        var offset = 0
        var batch: [String] = []
        batch.reserveCapacity(Self.checkpointInterval)
        while true {
            text.withUTF8 { utf8 in
                while batch.count < Self.checkpointInterval, let end = WordScanner.tokenEnd(in: utf8, from: offset) {
                    batch.append(String(decoding: UnsafeBufferPointer(rebasing: utf8[offset..<end]), as: UTF8.self))
                    offset = end
                }
            }
            if batch.isEmpty { return }
            context.emitTokens(batch)
            batch.removeAll(keepingCapacity: true)
            try await context.checkpoint()
        }
    }

    /// Splits text into word tokens, each carrying the whitespace that follows it (the first also any
    /// before it), so the tokens concatenate to the text.
    public static func tokens(of text: String) -> [Substring] {
        var text = text
        var ends: [Int] = []
        text.withUTF8 { utf8 in
            var offset = 0
            while let end = WordScanner.tokenEnd(in: utf8, from: offset) {
                ends.append(end)
                offset = end
            }
        }
        var tokens: [Substring] = []
        var start = text.startIndex
        for end in ends {
            let index = text.utf8.index(text.utf8.startIndex, offsetBy: end)
            tokens.append(text[start..<index])
            start = index
        }
        return tokens
    }
}

/// Finds word tokens in UTF-8 bytes. Whitespace is Unicode's; ASCII bytes are decided without decoding.
enum WordScanner {
    /// The end offset of the token starting at `start`: any whitespace, a word, and the whitespace after
    /// it. `nil` when no word is left.
    static func tokenEnd(in utf8: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var i = start
        // Leading whitespace (only the first token has any).
        while i < utf8.count, let width = whitespaceWidth(utf8, at: i) { i += width }
        guard i < utf8.count else { return nil }
        // The word.
        while i < utf8.count, whitespaceWidth(utf8, at: i) == nil { i += scalarWidth(utf8[i]) }
        // The whitespace after it.
        while i < utf8.count, let width = whitespaceWidth(utf8, at: i) { i += width }
        return min(i, utf8.count)
    }

    /// The byte length of the whitespace scalar at `i`, or `nil` when it is not whitespace.
    @inline(__always)
    static func whitespaceWidth(_ utf8: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        let byte = utf8[i]
        if byte < 0x80 { return byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) ? 1 : nil }
        let width = scalarWidth(byte)
        guard i + width <= utf8.count else { return nil }
        var value = UInt32(byte) & (width == 2 ? 0x1F : width == 3 ? 0x0F : 0x07)
        for k in 1..<width { value = value << 6 | (UInt32(utf8[i + k]) & 0x3F) }
        guard let scalar = Unicode.Scalar(value), scalar.properties.isWhitespace else { return nil }
        return width
    }

    /// Bytes in the scalar a lead byte starts (1 for ASCII and, defensively, for stray bytes).
    @inline(__always)
    static func scalarWidth(_ lead: UInt8) -> Int {
        lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }
}
