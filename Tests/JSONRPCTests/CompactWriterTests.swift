import JSONCore
import Testing

/// The hand-written writer must produce exactly jansson's compact bytes, or replies would differ by path.
@Suite struct CompactWriterTests {
    static func expectSameBytes(_ value: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) {
        var handWritten: [UInt8] = []
        value.writeCompact(into: &handWritten)
        let jansson = value.encoded()
        #expect(
            handWritten == jansson,
            "\(String(decoding: handWritten.prefix(200), as: UTF8.self)) != \(String(decoding: jansson.prefix(200), as: UTF8.self))",
            sourceLocation: sourceLocation
        )
    }

    @Test(arguments: [
        JSONValue.null, true, false, 0, -1, .integer(Int64.max), .integer(Int64.min), 0.5, 0.7, 1e300, -2.5e-8, 1.0,
        100.0,
        "", "plain", "quote \" backslash \\ slash / tab \t newline \n nul-ish \u{1} del \u{7F}", "é 😀 \u{2028}",
        "nul \u{0} inside \u{0}\u{0}", ["k\u{0}ey": "\u{0}"],
        [], [:], [1, "two", [3.5, nil], ["k": false]],
        [
            "jsonrpc": "2.0", "id": 1,
            "result": ["runId": "run_1", "output": "hello\nworld", "usage": ["outputTokens": 2]],
        ],
    ])
    func fixedValuesMatchJansson(value: JSONValue) {
        Self.expectSameBytes(value)
    }

    @Test func nonFiniteRealsAreNullBothWays() {
        Self.expectSameBytes(.double(.infinity))
        Self.expectSameBytes(["x": .double(.nan), "y": [.double(-.infinity)]])
    }

    @Test func aLargeOutputMatchesJansson() {
        let output = (1...50_000).map { "w\($0)\($0 % 7 == 0 ? "\n" : " ")" }.joined()
        Self.expectSameBytes(["jsonrpc": "2.0", "id": "x", "result": ["output": .string(output)]])
    }

    /// Random trees from a fixed seed: every shape and character class, nested.
    @Test func randomValuesMatchJansson() {
        var generator = SplitMix(seed: 0x5EED)
        for _ in 0..<500 {
            Self.expectSameBytes(Self.randomValue(depth: 0, using: &generator))
        }
    }

    static func randomValue(depth: Int, using generator: inout SplitMix) -> JSONValue {
        let pick = Int(generator.next() % (depth > 3 ? 6 : 8))
        switch pick {
        case 0: return .null
        case 1: return .bool(generator.next() % 2 == 0)
        case 2: return .integer(Int64(bitPattern: generator.next()))
        case 3: return .double(Double(Int64(bitPattern: generator.next()) % 1_000_000) / 997.0)
        case 4, 5: return .string(randomString(using: &generator))
        case 6:
            return .array((0..<Int(generator.next() % 5)).map { _ in randomValue(depth: depth + 1, using: &generator) })
        default:
            var object = JSONObject()
            for _ in 0..<Int(generator.next() % 5) {
                object[randomString(using: &generator)] = randomValue(depth: depth + 1, using: &generator)
            }
            return .object(object)
        }
    }

    static func randomString(using generator: inout SplitMix) -> String {
        let alphabet: [Character] = [
            "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\r", "\u{8}", "\u{C}", "\u{0}", "\u{1}", "\u{1F}", "é",
            "😀",
            "\u{2028}",
        ]
        return String(
            (0..<Int(generator.next() % 12)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
        )
    }
}

/// A small deterministic generator, so failures reproduce.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
