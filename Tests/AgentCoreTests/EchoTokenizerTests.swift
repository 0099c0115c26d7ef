import AgentCore
import Testing

@Suite struct EchoTokenizerTests {
    /// Words: maximal runs of non-whitespace Unicode scalars.
    static func wordCount(_ text: String) -> Int {
        var count = 0
        var inWord = false
        for scalar in text.unicodeScalars {
            let isSpace = scalar.properties.isWhitespace
            if !isSpace && !inWord { count += 1 }
            inWord = !isSpace
        }
        return count
    }

    /// The tokens concatenate to the input, except that text without a single word gives no tokens at all
    /// (N words, N tokens), so its whitespace is not echoed.
    static func expectedConcatenation(_ text: String) -> String {
        wordCount(text) == 0 ? "" : text
    }

    static func startsWithSpace(_ token: Substring) -> Bool {
        token.unicodeScalars.first?.properties.isWhitespace ?? false
    }

    static let inputs: [String] = [
        "",
        "hello",
        "hello brave new world",
        "   leading",
        "trailing   ",
        "  both  ",
        "many     spaces\t\ttabs\n\nnewlines\r\ncrlf",
        " ",
        "\t\n \r\n",
        "quotes \"q\" 'a' and \\ backslash",
        "ctrl\u{1}\u{7}\u{1B}[0m \u{1F} \u{7F}",
        "emoji 😀 👨‍👩‍👧‍👦 🇯🇵 🏳️‍🌈",
        "héllo wörld Ελληνικά 日本語\u{3000}全角",
        "combining e\u{301} \u{301}x",
        "separators\u{2028}line\u{2029}para\u{85}nel\u{A0}nbsp",
        "zero\u{200B}width\u{FEFF}joiners stay in words",
    ]

    @Test(arguments: inputs)
    func tokensConcatenateToInputOnePerWord(input: String) {
        let tokens = EchoProvider.tokens(of: input)
        #expect(Array(tokens.joined().utf8) == Array(Self.expectedConcatenation(input).utf8))
        #expect(tokens.count == Self.wordCount(input))
        #expect(tokens.dropFirst().allSatisfy { !Self.startsWithSpace($0) })
        // Each token holds exactly one word.
        #expect(tokens.allSatisfy { Self.wordCount(String($0)) == 1 })
    }

    @Test func examples() {
        #expect(EchoProvider.tokens(of: "hello brave new world") == ["hello ", "brave ", "new ", "world"])
        #expect(EchoProvider.tokens(of: "  lead  two\tthree\n") == ["  lead  ", "two\t", "three\n"])
        #expect(EchoProvider.tokens(of: "").isEmpty)
        #expect(EchoProvider.tokens(of: " \t\n ").isEmpty)
        #expect(EchoProvider.tokens(of: "a\r\nb") == ["a\r\n", "b"])
    }

    @Test func randomTextsKeepTheProperties() {
        let alphabet: [String] = [
            "a", "Z", "7", " ", "  ", "\t", "\n", "\r\n", "\u{3000}", "é", "e\u{301}", "\u{301}", "😀", "👨‍👩‍👧", "🇯🇵",
            "\"", "\\", "\u{1}", "\u{7F}", "日", "\u{2028}", "\u{A0}",
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<500 {
            let text = (0..<next(40)).map { _ in alphabet[next(alphabet.count)] }.joined()
            let tokens = EchoProvider.tokens(of: text)
            #expect(
                Array(tokens.joined().utf8) == Array(Self.expectedConcatenation(text).utf8),
                "\(text.debugDescription)"
            )
            #expect(tokens.count == Self.wordCount(text), "\(text.debugDescription)")
            #expect(tokens.dropFirst().allSatisfy { !Self.startsWithSpace($0) }, "\(text.debugDescription)")
        }
    }
}
