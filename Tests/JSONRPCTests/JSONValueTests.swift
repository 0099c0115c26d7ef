import JSONCore
import Testing

private func text(_ value: JSONValue) -> String { value.jsonString }

/// Whether parsing `bytes` throws a JSONParseError (rather than returning or crashing).
private func rejects(_ bytes: [UInt8], allowScalars: Bool = false) -> JSONParseError? {
    do {
        _ = try JSONValue.parse(bytes, allowScalars: allowScalars)
        return nil
    } catch {
        return error
    }
}

private func nested(depth: Int) -> String {
    String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
}

struct JSONValueTests {
    // MARK: Parsing

    @Test func parsesEveryValueKind() throws {
        let value = try JSONValue.parse(
            #"{"n":null,"t":true,"f":false,"i":-12,"d":2.5,"s":"x\ny","a":[1,"two"],"o":{}}"#
        )
        #expect(
            value
                == .object([
                    "n": .null, "t": true, "f": false, "i": .integer(-12), "d": .double(2.5), "s": "x\ny",
                    "a": [1, "two"], "o": .object([:]),
                ])
        )
    }

    @Test func integersAndRealsStayDistinct() throws {
        #expect(try JSONValue.parse("[1, 1.0, 1e2]") == .array([.integer(1), .double(1.0), .double(100)]))
    }

    @Test func unicodeEscapesDecodeToUTF8() throws {
        #expect(try JSONValue.parse(#"["\u00e9\ud83d\ude00\u2028"]"#) == ["é😀\u{2028}"])
    }

    @Test func scalarsAtTopLevelNeedAllowScalars() throws {
        #expect(rejects(Array("42".utf8)) != nil)
        #expect(try JSONValue.parse("42", allowScalars: true) == 42)
        #expect(try JSONValue.parse("\"s\"", allowScalars: true) == "s")
        #expect(try JSONValue.parse("null", allowScalars: true) == .null)
    }

    @Test func emptyInputIsAnErrorNotACrash() {
        #expect(rejects([]) != nil)
        #expect(rejects([], allowScalars: true) != nil)
    }

    // MARK: Ordered keys

    @Test func objectMembersKeepWireOrder() throws {
        let source = #"{"zeta":1,"alpha":2,"mid":3,"beta":{"y":1,"x":2}}"#
        let value = try JSONValue.parse(source)
        #expect(value.objectValue?.keys == ["zeta", "alpha", "mid", "beta"])
        #expect(value["beta"]?.objectValue?.keys == ["y", "x"])
        #expect(text(value) == source)
    }

    @Test func builtObjectsEncodeInInsertionOrder() {
        var object: JSONObject = ["jsonrpc": "2.0", "id": 1]
        object["result"] = "ok"
        object["id"] = 2  // replaced in place, not moved
        #expect(text(.object(object)) == #"{"jsonrpc":"2.0","id":2,"result":"ok"}"#)
        object["jsonrpc"] = nil
        #expect(text(.object(object)) == #"{"id":2,"result":"ok"}"#)
    }

    @Test func orderMattersForEquality() {
        #expect(JSONValue.object(["a": 1, "b": 2]) != JSONValue.object(["b": 2, "a": 1]))
    }

    // MARK: Round trips

    @Test(arguments: [
        #"{"jsonrpc":"2.0","id":1,"method":"agent.run","params":{"agent":"a","input":"hi"}}"#,
        #"[1,-2,3.5,true,false,null,"",[],{}]"#,
        #"{"s":"quote \" backslash \\ tab \t nl \n ctl \u0001 é 😀"}"#,
        #"{"big":9223372036854775807,"small":-9223372036854775808}"#,
        #"{"":{"":[]}}"#,
    ])
    func encodeThenParseGivesTheSameValue(source: String) throws {
        let value = try JSONValue.parse(source)
        let again = try JSONValue.parse(value.encoded())
        #expect(again == value)
        // And encoding is stable.
        #expect(again.encoded() == value.encoded())
    }

    @Test func compactOutputHasNoWhitespace() throws {
        let value = try JSONValue.parse("{ \"a\" : [ 1 , 2 ] ,\n \"b\" : { } }")
        #expect(text(value) == #"{"a":[1,2],"b":{}}"#)
    }

    @Test func compactOutputNeverHoldsARawNewline() {
        let value: JSONValue = ["text": "line one\nline two\r\n", "list": ["\n", "\u{2028}"]]
        let bytes = value.encoded()
        #expect(!bytes.contains(UInt8(ascii: "\n")))
        #expect(!bytes.contains(UInt8(ascii: "\r")))
        #expect(text(value).contains(#"line one\nline two\r\n"#))
    }

    @Test func stringsWithNulAreEncodedEscaped() throws {
        let value: JSONValue = ["s": "a\u{0}b"]
        #expect(text(value) == #"{"s":"a\u0000b"}"#)
    }

    @Test func largeValuesEncodeCompletely() throws {
        // Bigger than the encoder's first 64 KiB attempt.
        let long = String(repeating: "abcdefgh", count: 20_000)
        let value: JSONValue = ["long": .string(long)]
        let bytes = value.encoded()
        #expect(bytes.count == long.utf8.count + 11)
        #expect(try JSONValue.parse(bytes) == value)
    }

    @Test func encodeIntoAppendsAfterExistingBytes() {
        var buffer = Array("prefix:".utf8)
        JSONValue.array([1, 2]).encode(into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "prefix:[1,2]")
    }

    // MARK: Non-finite reals

    @Test func nonFiniteRealsEncodeAsNull() {
        #expect(text(.double(.infinity)) == "null")
        #expect(text(.double(-.infinity)) == "null")
        #expect(text(.double(.nan)) == "null")
        #expect(
            text(["a": 1, "b": .double(.nan), "c": [.double(.infinity), 2.5]]) == #"{"a":1,"b":null,"c":[null,2.5]}"#
        )
    }

    // MARK: Hostile input

    @Test(
        arguments: [
            [0x5B, 0x22, 0xFF, 0x22, 0x5D],  // ["\xff"]
            [0x5B, 0x22, 0xC3, 0x22, 0x5D],  // truncated two-byte sequence
            [0x5B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x5D],  // encoded surrogate
            [0x5B, 0x22, 0xC0, 0xAF, 0x22, 0x5D],  // overlong "/"
        ] as [[UInt8]]
    )
    func invalidUTF8IsRejected(bytes: [UInt8]) {
        #expect(rejects(bytes) != nil)
    }

    /// RFC 8259 §7 allows any code point escaped, U+0000 included: the NUL is kept, not cut at.
    @Test func nulEscapeInAStringIsKeptWhole() throws {
        let value = try JSONValue.parse(Array(#"["a\u0000b","\u0000",{"k":"x\u0000\u0000y"}]"#.utf8))
        #expect(value == ["a\u{0}b", "\u{0}", ["k": "x\u{0}\u{0}y"]])
        #expect(value.arrayValue?.first?.stringValue?.utf8.count == 3)
        #expect(text(value) == #"["a\u0000b","\u0000",{"k":"x\u0000\u0000y"}]"#)
        #expect(try JSONValue.parse(#""\u0000""#, allowScalars: true) == "\u{0}")
    }

    @Test func nulEscapeInAKeyIsRejected() {
        #expect(rejects(Array(#"{"k\u0000":1}"#.utf8)) != nil)
    }

    @Test func rawNulByteIsRejected() {
        #expect(rejects([0x5B, 0x22, 0x61, 0x00, 0x22, 0x5D]) != nil)
    }

    @Test func nestingUpToTheLimitIsAccepted() throws {
        let value = try JSONValue.parse(nested(depth: 2000))
        var depth = 0
        var node = value
        while case .array(let elements) = node {
            depth += 1
            node = elements.first ?? .null
        }
        #expect(depth == 2000)
        #expect(try JSONValue.parse(nested(depth: 2048)).arrayValue != nil)
    }

    @Test func nestingBeyondTheLimitIsAnError() {
        let error = rejects(Array(nested(depth: 2049).utf8))
        #expect(error != nil)
        #expect(error?.message.contains("depth") == true)
        #expect(rejects(Array(nested(depth: 100_000).utf8)) != nil)
    }

    @Test func integersOutsideInt64AreRejected() {
        #expect(rejects(Array("[9223372036854775808]".utf8)) != nil)
        #expect(rejects(Array("[-9223372036854775809]".utf8)) != nil)
    }

    @Test func realOverflowIsRejected() {
        #expect(rejects(Array("[1e400]".utf8)) != nil)
        #expect(rejects(Array("[-1e400]".utf8)) != nil)
    }

    @Test func int64ExtremesAreAccepted() throws {
        #expect(try JSONValue.parse("[9223372036854775807, -9223372036854775808]") == [.integer(.max), .integer(.min)])
    }

    @Test func errorReportsPosition() {
        let error = rejects(Array(#"{"a":1,}"#.utf8))
        #expect(error != nil)
        #expect((error?.position ?? -1) > 0)
        #expect(error?.description.contains("at byte") == true)
    }

    // MARK: Accessors

    @Test func integerValueAcceptsWholeRealsOnly() {
        #expect(JSONValue.double(3.0).integerValue == 3)
        #expect(JSONValue.double(3.5).integerValue == nil)
        #expect(JSONValue.double(1e30).integerValue == nil)
        #expect(JSONValue.string("3").integerValue == nil)
    }

    @Test func intBuilderSaturates() {
        #expect(JSONValue.int(UInt64.max) == .integer(.max))
        #expect(JSONValue.int(-5) == .integer(-5))
    }
}
