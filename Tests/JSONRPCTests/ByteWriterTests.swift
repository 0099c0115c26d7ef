import JSONCore
import Testing

private func written(_ text: String) -> [UInt8] {
    var buffer: [UInt8] = []
    ByteWriter.appendString(text, to: &buffer)
    return buffer
}

private func written(_ value: Int64) -> [UInt8] {
    var buffer: [UInt8] = []
    ByteWriter.appendInteger(value, to: &buffer)
    return buffer
}

private func shown(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

struct ByteWriterTests {
    // MARK: Strings against jansson

    @Test(arguments: [
        "",
        "hello world",
        "say \"hi\"",
        "back\\slash \\\\ \\n",
        "path/to/file </script>",
        "\u{7F}",
        "é",
        "😀",
        "\u{2028}\u{2029}",
        "mixed: é \"q\" \n\t\u{1} 😀 end",
        "\"",
        "\\",
        "\n\n\n",
    ])
    func stringMatchesJansson(text: String) {
        let expected = JSONValue.string(text).encoded()
        #expect(written(text) == expected, "\(shown(written(text))) vs \(shown(expected))")
    }

    @Test func everyControlByteMatchesJansson() {
        var mismatches: [String] = []
        for byte in UInt8(0x00)...UInt8(0x1F) {
            let text = "a" + String(UnicodeScalar(byte)) + "b"
            let expected = JSONValue.string(text).encoded()
            if written(text) != expected {
                mismatches.append("0x\(String(byte, radix: 16)): \(shown(written(text))) vs \(shown(expected))")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test func allControlBytesInOneStringMatchJansson() {
        let text = String(decoding: Array(UInt8(0x00)...UInt8(0x1F)) + [0x7F], as: UTF8.self)
        #expect(written(text) == JSONValue.string(text).encoded())
    }

    /// The writer skips eight bytes at a time where none needs escaping: a byte that does is found at
    /// every offset in such a word, next to multi-byte UTF-8 too.
    @Test func aByteToEscapeIsFoundAtEveryOffset() {
        var mismatches: [String] = []
        for special in ["\"", "\\", "\n", "\u{0}", "\u{1F}"] {
            for plain in ["abcdefghijklmnopqrstuvwx", "ééééééééééé ", "😀😀😀😀😀😀", "\u{7F}\u{7F} !#$%&'()*+,-./0123"] {
                for offset in 0...plain.count {
                    var text = plain
                    text.insert(contentsOf: special, at: text.index(text.startIndex, offsetBy: offset))
                    let expected = JSONValue.string(text).encoded()
                    if written(text) != expected { mismatches.append("\(shown(written(text))) vs \(shown(expected))") }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test func controlBytesUseShortFormsOrUpperCaseHex() {
        #expect(shown(written("\u{8}\u{C}\n\r\t")) == #""\b\f\n\r\t""#)
        #expect(shown(written("\u{0}\u{1F}\u{1B}")) == #""\u0000\u001F\u001B""#)
    }

    @Test func everyASCIICharacterMatchesJansson() {
        let text = String(decoding: Array(UInt8(0x00)...UInt8(0x7F)), as: UTF8.self)
        #expect(written(text) == JSONValue.string(text).encoded())
    }

    @Test func substringsAreWrittenLikeStrings() {
        let whole = "xx\"inner\"xx"
        let inner = whole.dropFirst(2).dropLast(2)
        var buffer: [UInt8] = []
        ByteWriter.appendString(inner, to: &buffer)
        #expect(buffer == JSONValue.string(String(inner)).encoded())
    }

    @Test func appendsWithoutDisturbingExistingBytes() {
        var buffer = Array("[1,".utf8)
        ByteWriter.appendString("a\"b", to: &buffer)
        ByteWriter.appendRaw(",", to: &buffer)
        ByteWriter.appendInteger(-3, to: &buffer)
        ByteWriter.appendRaw("]", to: &buffer)
        #expect(shown(buffer) == #"[1,"a\"b",-3]"#)
    }

    @Test func writtenStringParsesBackToTheSameText() throws {
        let text = "tab\t quote\" back\\ é 😀 \u{2028} \u{7F} \u{1}"
        var buffer = Array("[".utf8)
        ByteWriter.appendString(text, to: &buffer)
        buffer.append(UInt8(ascii: "]"))
        #expect(try JSONValue.parse(buffer) == [.string(text)])
    }

    // MARK: Integers against jansson

    @Test(
        arguments: [
            0, 1, -1, 7, 10, -10, 42, 999, 1000, -12345, 1 << 32, Int64(Int32.max), Int64(Int32.min),
            Int64.max, Int64.min, Int64.max - 1, Int64.min + 1,
        ] as [Int64]
    )
    func integerMatchesJansson(value: Int64) {
        let expected = JSONValue.integer(value).encoded()
        #expect(written(value) == expected, "\(shown(written(value))) vs \(shown(expected))")
    }

    @Test func smallerIntegerTypesAreWrittenTheSame() {
        var buffer: [UInt8] = []
        ByteWriter.appendInteger(UInt8(255), to: &buffer)
        ByteWriter.appendRaw(" ", to: &buffer)
        ByteWriter.appendInteger(Int32.min, to: &buffer)
        ByteWriter.appendRaw(" ", to: &buffer)
        ByteWriter.appendInteger(Int(-0), to: &buffer)
        #expect(shown(buffer) == "255 -2147483648 0")
    }

    // MARK: Whole notifications

    /// Writes a token notification the way the hot path does.
    private func tokenNotification(run: String, index: Int64, token: String) -> [UInt8] {
        var buffer: [UInt8] = []
        ByteWriter.appendRaw(#"{"jsonrpc":"2.0","method":"agent/token","params":{"run":"#, to: &buffer)
        ByteWriter.appendString(run, to: &buffer)
        ByteWriter.appendRaw(#","index":"#, to: &buffer)
        ByteWriter.appendInteger(index, to: &buffer)
        ByteWriter.appendRaw(#","token":"#, to: &buffer)
        ByteWriter.appendString(token, to: &buffer)
        ByteWriter.appendRaw("}}", to: &buffer)
        return buffer
    }

    @Test(arguments: [
        ("run-1", Int64(0), "Hello"),
        ("r\"2", Int64(41), " world\n"),
        ("ü/😀", Int64.max, "\u{0}\u{1F}\\\u{2028}"),
        ("", Int64(-1), ""),
    ])
    func tokenNotificationMatchesJansson(run: String, index: Int64, token: String) throws {
        let tree: JSONValue = [
            "jsonrpc": "2.0", "method": "agent/token",
            "params": ["run": .string(run), "index": .integer(index), "token": .string(token)],
        ]
        let handWritten = tokenNotification(run: run, index: index, token: token)
        #expect(handWritten == tree.encoded(), "\(shown(handWritten)) vs \(tree.jsonString)")
    }
}
