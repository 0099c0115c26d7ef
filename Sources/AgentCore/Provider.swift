/// What a provider is asked: the new input, with the agent's instructions and the conversation so far.
public struct ProviderRequest: Sendable {
    public var input: String
    public var systemPrompt: String
    /// Earlier turns of the session, oldest first.
    public var history: [Turn]

    public init(input: String, systemPrompt: String = "", history: [Turn] = []) {
        self.input = input
        self.systemPrompt = systemPrompt
        self.history = history
    }
}

/// One exchange of a session.
public struct Turn: Sendable, Equatable {
    public var input: String
    public var output: String

    public init(input: String, output: String) {
        self.input = input
        self.output = output
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
        let text = reply(to: request)
        try await context.checkpoint()
        if thinking {
            let words = WordTokens(text).reduce(0) { count, _ in count + 1 }
            context.emitThinking("The reply repeats the input: \(words) words.")
        }
        if delayMs > 0 {
            for token in WordTokens(text) {
                try await Task.sleep(for: .milliseconds(delayMs))
                try await context.checkpoint()
                context.emitToken(String(token))
            }
            return
        }
        // Without a delay, tokens go out in bursts: one lock and one queue append per burst, and a
        // checkpoint (cancellation, backpressure, a yield) between bursts.
        var batch: [String] = []
        batch.reserveCapacity(Self.checkpointInterval)
        for token in WordTokens(text) {
            batch.append(String(token))
            if batch.count == Self.checkpointInterval {
                context.emitTokens(batch)
                batch.removeAll(keepingCapacity: true)
                try await context.checkpoint()
            }
        }
        if !batch.isEmpty { context.emitTokens(batch) }
    }

    /// Splits text into word tokens, each carrying the whitespace that follows it.
    public static func tokens(of text: String) -> [Substring] {
        Array(WordTokens(text))
    }
}

/// The words of a text, each with the whitespace after it (the first also with any before it), so the
/// tokens concatenate to the text. Whitespace is Unicode's; ASCII is decided without a table lookup.
public struct WordTokens: Sequence, IteratorProtocol {
    private let text: String
    private var index: String.UnicodeScalarView.Index
    private var tokenStart: String.Index

    public init(_ text: String) {
        self.text = text
        self.index = text.unicodeScalars.startIndex
        self.tokenStart = text.startIndex
    }

    @inline(__always)
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return value == 0x20 || (value >= 0x09 && value <= 0x0D) }
        return scalar.properties.isWhitespace
    }

    public mutating func next() -> Substring? {
        let scalars = text.unicodeScalars
        var sawWord = false
        var inWhitespace = false
        while index < scalars.endIndex {
            if Self.isWhitespace(scalars[index]) {
                inWhitespace = sawWord
            } else {
                if inWhitespace {
                    defer { tokenStart = index }
                    return text[tokenStart..<index]
                }
                sawWord = true
            }
            scalars.formIndex(after: &index)
        }
        guard sawWord else { return nil }
        defer { tokenStart = text.endIndex }
        return text[tokenStart..<text.endIndex]
    }
}
