/// Produces a model's output as a stream of tokens into a ``RunContext``.
public protocol Provider: Sendable {
    /// Streams the reply to `input`. Throws `CancellationError` when the run is cancelled; the partial
    /// output stays in the context.
    func stream(input: String, context: RunContext) async throws
}

/// Streams its input back one word at a time: each token is a word and the whitespace after it (the
/// first also carries any leading whitespace), so the tokens concatenate to the input and N words give
/// exactly N tokens. Deterministic, offline, and fast enough to benchmark the wire.
public struct EchoProvider: Provider {
    public var delayMs: Int

    /// Without a delay, cancellation and backpressure are checked every this many tokens.
    static let checkpointInterval = 64

    public init(delayMs: Int = 0) {
        self.delayMs = delayMs
    }

    public func stream(input: String, context: RunContext) async throws {
        var pendingSinceCheckpoint = 0
        try await context.checkpoint()
        for token in EchoProvider.tokens(of: input) {
            if delayMs > 0 {
                try await Task.sleep(for: .milliseconds(delayMs))
                try await context.checkpoint()
            } else {
                pendingSinceCheckpoint += 1
                if pendingSinceCheckpoint == Self.checkpointInterval {
                    pendingSinceCheckpoint = 0
                    try await context.checkpoint()
                }
            }
            context.emitToken(String(token))
        }
    }

    /// Splits text into word tokens, each carrying the whitespace that follows it.
    public static func tokens(of text: String) -> [Substring] {
        var tokens: [Substring] = []
        let scalars = text.unicodeScalars
        var tokenStart = text.startIndex
        var sawWord = false
        var inWhitespace = false
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let isSpace = scalars[index].properties.isWhitespace
            if isSpace {
                inWhitespace = sawWord
            } else {
                if inWhitespace {
                    tokens.append(text[tokenStart..<index])
                    tokenStart = index
                    inWhitespace = false
                }
                sawWord = true
            }
            scalars.formIndex(after: &index)
        }
        if sawWord { tokens.append(text[tokenStart..<text.endIndex]) }
        return tokens
    }
}
