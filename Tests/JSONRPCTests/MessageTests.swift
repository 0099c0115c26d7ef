import JSONCore
import JSONRPC
import Testing

/// Classifies one wire text the way the service does.
private func incoming(_ text: String) -> Incoming { Incoming(frame: Array(text.utf8)) }

/// The single message in `text`, or `nil` when it is a batch or unparseable.
private func message(_ text: String) -> Message? {
    if case .single(let message) = incoming(text) { return message }
    return nil
}

/// The id and error code when `message` is invalid.
private func invalidParts(_ message: Message?) -> (id: RequestID, code: ErrorCode)? {
    if case .invalid(let id, let error) = message { return (id, error.code) }
    return nil
}

private func isInvalid(_ message: Message?, id: RequestID) -> Bool {
    guard let parts = invalidParts(message) else { return false }
    return parts.id == id && parts.code == .invalidRequest
}

struct MessageTests {
    // MARK: Classification

    @Test func requestWithObjectParams() {
        #expect(
            message(#"{"jsonrpc":"2.0","id":1,"method":"agent.run","params":{"agent":"a"}}"#)
                == .request(id: .integer(1), method: "agent.run", params: ["agent": "a"])
        )
    }

    @Test func requestWithoutParams() {
        #expect(
            message(#"{"jsonrpc":"2.0","id":"x","method":"ping"}"#)
                == .request(id: .string("x"), method: "ping", params: nil)
        )
    }

    @Test func notificationHasNoId() {
        #expect(
            message(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":3}}"#)
                == .notification(method: "$/cancelRequest", params: ["id": 3])
        )
    }

    @Test func explicitNullIdIsARequestNotANotification() {
        #expect(
            message(#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#) == .request(id: .null, method: "ping", params: nil)
        )
    }

    @Test func nullParamsAreTreatedAsAbsent() {
        #expect(
            message(#"{"jsonrpc":"2.0","id":1,"method":"m","params":null}"#)
                == .request(id: .integer(1), method: "m", params: nil)
        )
        #expect(message(#"{"jsonrpc":"2.0","method":"m","params":null}"#) == .notification(method: "m", params: nil))
    }

    @Test func successResponse() {
        #expect(
            message(#"{"jsonrpc":"2.0","id":4,"result":{"ok":true}}"#)
                == .response(id: .integer(4), result: .success(["ok": true]))
        )
        // A null result is still a result.
        #expect(
            message(#"{"jsonrpc":"2.0","id":4,"result":null}"#) == .response(id: .integer(4), result: .success(.null))
        )
    }

    @Test func errorResponse() {
        let expected = ResponseError(code: .methodNotFound, message: "nope", data: ["m": "x"])
        #expect(
            message(#"{"jsonrpc":"2.0","id":"r","error":{"code":-32601,"message":"nope","data":{"m":"x"}}}"#)
                == .response(id: .string("r"), result: .failure(expected))
        )
    }

    @Test(arguments: [
        (#"{"jsonrpc":"2.0","id":1}"#, RequestID.integer(1)),
        (#"{"jsonrpc":"2.0","id":1,"result":1,"error":{"code":1,"message":"m"}}"#, .integer(1)),
        (#"{"jsonrpc":"2.0","id":1,"error":{"code":"x","message":"m"}}"#, .integer(1)),
        (#"{"jsonrpc":"2.0","result":1}"#, .null),
        (#"{"jsonrpc":"2.0","id":"s","method":7}"#, .string("s")),
        (#"{"id":7,"method":"x"}"#, .integer(7)),
        (#"{"jsonrpc":"1.0","id":7,"method":"x"}"#, .integer(7)),
        (#"{"jsonrpc":2.0,"id":7,"method":"x"}"#, .integer(7)),
        (#"{"jsonrpc":"2.0","id":"p","method":"x","params":"text"}"#, .string("p")),
        (#"{"jsonrpc":"2.0","id":"p","method":"x","params":5}"#, .string("p")),
        (#"{"jsonrpc":"2.0","method":"x","params":true}"#, .null),
    ])
    func invalidMessagesKeepTheIdWhenReadable(text: String, id: RequestID) {
        let classified = message(text)
        #expect(isInvalid(classified, id: id), "\(text) gave \(String(describing: classified))")
    }

    @Test(arguments: [
        #"{"jsonrpc":"2.0","id":{"a":1},"method":"x"}"#,
        #"{"jsonrpc":"2.0","id":[1],"method":"x"}"#,
        #"{"jsonrpc":"2.0","id":true,"method":"x"}"#,
    ])
    func unusableIdTypesGiveInvalidWithNullId(text: String) {
        #expect(isInvalid(message(text), id: .null))
    }

    @Test func nonObjectTopLevelValuesAreInvalid() {
        for text in ["1", "\"text\"", "null", "true"] {
            #expect(isInvalid(message(text), id: .null), "\(text)")
        }
    }

    // MARK: Ids echoed unchanged

    @Test(arguments: [
        (#""abc""#, RequestID.string("abc")),
        (#""""#, .string("")),
        (#""ünï😀""#, .string("ünï😀")),
        ("42", .integer(42)),
        ("-7", .integer(-7)),
        ("9223372036854775807", .integer(Int64.max)),
        ("1.5", .double(1.5)),
        ("1.0", .double(1.0)),
        ("null", .null),
    ])
    func idsAreReadAndEchoedUnchanged(idText: String, id: RequestID) throws {
        let classified = message(#"{"jsonrpc":"2.0","id":"# + idText + #","method":"m"}"#)
        #expect(classified == .request(id: id, method: "m", params: nil))
        // The reply carries the id back with its JSON type intact (1.0 stays a real, "42" stays a string).
        let original = try JSONValue.parse(idText, allowScalars: true)
        let reply = try JSONValue.parse(Envelope.response(id: id, result: true).encoded())
        #expect(reply["id"] == original)
    }

    // MARK: Incoming frames

    @Test func emptyArrayIsAnEmptyBatch() {
        #expect(incoming("[]") == .emptyBatch)
        #expect(incoming(" [ ] ") == .emptyBatch)
    }

    @Test func arrayOfScalarsIsABatchOfInvalidMessages() {
        guard case .batch(let messages) = incoming("[1,2,3]") else {
            Issue.record("expected a batch")
            return
        }
        #expect(messages.count == 3)
        #expect(messages.allSatisfy { isInvalid($0, id: .null) })
    }

    @Test(arguments: ["garbage", "{", "", "{\"a\":1", "{\"a\":1}{\"b\":2}", "[1,]"])
    func unparseableFramesGiveParseError(text: String) {
        guard case .unparseable(let error) = incoming(text) else {
            Issue.record("\(text.debugDescription) gave \(incoming(text))")
            return
        }
        #expect(error.code == .parseError)
        #expect(error.code.rawValue == -32700)
    }

    // MARK: JSON-RPC 2.0 specification, section 7

    @Test func specPositionalParameters() {
        #expect(
            message(#"{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}"#)
                == .request(id: .integer(1), method: "subtract", params: [42, 23])
        )
        #expect(
            message(#"{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}"#)
                == .request(id: .integer(2), method: "subtract", params: [23, 42])
        )
    }

    @Test func specNamedParameters() {
        let classified = message(
            #"{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}"#
        )
        #expect(classified == .request(id: .integer(3), method: "subtract", params: ["subtrahend": 23, "minuend": 42]))
        // Member order is kept as sent.
        if case .request(_, _, let params) = classified {
            #expect(params?.objectValue?.keys == ["subtrahend", "minuend"])
        }
    }

    @Test func specNotifications() {
        #expect(
            message(#"{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}"#)
                == .notification(method: "update", params: [1, 2, 3, 4, 5])
        )
        #expect(message(#"{"jsonrpc": "2.0", "method": "foobar"}"#) == .notification(method: "foobar", params: nil))
    }

    @Test func specNonExistentMethodIsStillARequest() {
        #expect(
            message(#"{"jsonrpc": "2.0", "method": "foobar", "id": "1"}"#)
                == .request(id: .string("1"), method: "foobar", params: nil)
        )
    }

    @Test func specInvalidJSONIsAParseError() {
        guard case .unparseable(let error) = incoming(#"{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]"#)
        else {
            Issue.record("expected a parse error")
            return
        }
        #expect(error.code == .parseError)
    }

    @Test func specInvalidRequestObject() {
        #expect(isInvalid(message(#"{"jsonrpc": "2.0", "method": 1, "params": "bar"}"#), id: .null))
    }

    @Test func specBatchWithInvalidJSONIsAParseError() {
        let text = """
            [
              {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
              {"jsonrpc": "2.0", "method"
            ]
            """
        guard case .unparseable(let error) = incoming(text) else {
            Issue.record("expected a parse error")
            return
        }
        #expect(error.code == .parseError)
    }

    @Test func specBatchOfOneInvalidElement() {
        guard case .batch(let messages) = incoming("[1]") else {
            Issue.record("expected a batch")
            return
        }
        #expect(messages.count == 1)
        #expect(messages.allSatisfy { isInvalid($0, id: .null) })
    }

    @Test func specMixedBatch() {
        let text = """
            [
                {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
                {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
                {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
                {"foo": "boo"},
                {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
                {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
            ]
            """
        guard case .batch(let messages) = incoming(text) else {
            Issue.record("expected a batch")
            return
        }
        #expect(messages.count == 6)
        guard messages.count == 6 else { return }
        #expect(messages[0] == .request(id: .string("1"), method: "sum", params: [1, 2, 4]))
        #expect(messages[1] == .notification(method: "notify_hello", params: [7]))
        #expect(messages[2] == .request(id: .string("2"), method: "subtract", params: [42, 23]))
        #expect(isInvalid(messages[3], id: .null))
        #expect(messages[4] == .request(id: .string("5"), method: "foo.get", params: ["name": "myself"]))
        #expect(messages[5] == .request(id: .string("9"), method: "get_data", params: nil))
    }

    @Test func specBatchOfNotificationsOnly() {
        let text = """
            [
                {"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},
                {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}
            ]
            """
        #expect(
            incoming(text)
                == .batch([
                    .notification(method: "notify_sum", params: [1, 2, 4]),
                    .notification(method: "notify_hello", params: [7]),
                ])
        )
    }
}
