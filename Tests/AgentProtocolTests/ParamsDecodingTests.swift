import AgentProtocol
import JSONCore
import JSONRPC
import Testing

/// Decoding accepts exactly what each message declares: the document's own examples decode, undeclared
/// members are refused by name, and a member of the wrong type is refused with its JSON path.
@Suite struct ParamsDecodingTests {
    /// The params of each example pairing of a message, as objects.
    static func exampleParams(_ type: any MessageType.Type) -> [JSONObject] {
        (type.examples.arrayValue ?? []).compactMap { example in
            guard let pairs = example["params"]?.arrayValue else { return nil }
            return JSONObject(
                pairs.compactMap { pair in
                    guard let name = pair["name"]?.stringValue, let value = pair["value"] else { return nil }
                    return (key: name, value: value)
                }
            )
        }
    }

    static func decode(_ type: any MessageType.Type, _ params: JSONValue?) -> ResponseError? {
        func open<M: MessageType>(_: M.Type) -> ResponseError? {
            do throws(ResponseError) {
                _ = try M.Params(decoding: params)
                return nil
            } catch {
                return error
            }
        }
        return open(type)
    }

    static func members(_ type: any MessageType.Type) -> [Member] {
        func open<M: MessageType>(_: M.Type) -> [Member] { M.Params.members }
        return open(type)
    }

    /// The JSON type a member's schema (or the shared schema it names) requires, if it names one.
    static func jsonType(of member: Member) -> String? {
        let schemas = Dictionary(uniqueKeysWithValues: NativeProtocol.schemas.map { ($0.name, $0.schema) })
        let schema = member.schema.referencedName.flatMap { schemas[$0] } ?? member.schema
        return schema.json["type"]?.stringValue
    }

    static let clientMessages = NativeProtocol.requests as [any MessageType.Type] + NativeProtocol.notifications

    @Test func everyExampleDecodes() {
        var checked = 0
        for type in NativeProtocol.messages {
            for params in Self.exampleParams(type) {
                let error = Self.decode(type, .object(params))
                #expect(error == nil, "\(type.method) example \(params): \(error?.message ?? "")")
                checked += 1
            }
        }
        #expect(checked > 20)
    }

    @Test(arguments: ParamsDecodingTests.clientMessages.map { $0.method })
    func undeclaredMemberIsRefusedByName(method: String) throws {
        let type = try #require(NativeProtocol.clientMessage(method))
        let error = try #require(Self.decode(type, ["timeoutMS": 5]))
        #expect(error.code == .invalidParams)
        #expect(error.data?["field"] == "params.timeoutMS")
    }

    @Test(arguments: ParamsDecodingTests.clientMessages.map { $0.method })
    func metaIsAlwaysAllowed(method: String) throws {
        let type = try #require(NativeProtocol.clientMessage(method))
        let valid = Self.exampleParams(type).first ?? Self.minimal(type)
        var params = valid
        params["_meta"] = ["traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"]
        #expect(Self.decode(type, .object(params)) == nil)
    }

    /// A member whose schema requires a string, number or boolean is refused, by path, when it is sent as
    /// an array: the decoder reads every typed member the document declares, with that type.
    @Test(arguments: ParamsDecodingTests.clientMessages.map { $0.method })
    func memberOfTheWrongTypeIsRefusedWithItsPath(method: String) throws {
        let type = try #require(NativeProtocol.clientMessage(method))
        let valid = Self.exampleParams(type).first ?? Self.minimal(type)
        for member in Self.members(type) where ["string", "integer", "boolean"].contains(Self.jsonType(of: member)) {
            var params = valid
            params[member.name] = [1, 2]
            let error = Self.decode(type, .object(params))
            #expect(error?.code == .invalidParams, "\(method).\(member.name) accepted an array")
            #expect(error?.data?["field"] == .string("params.\(member.name)"), "\(method).\(member.name)")
        }
    }

    @Test(arguments: ParamsDecodingTests.clientMessages.map { $0.method })
    func missingRequiredMemberIsNamed(method: String) throws {
        let type = try #require(NativeProtocol.clientMessage(method))
        for member in Self.members(type) where member.required {
            var params = Self.exampleParams(type).first ?? Self.minimal(type)
            params[member.name] = nil
            let error = Self.decode(type, .object(params))
            #expect(error?.data?["field"] == .string("params.\(member.name)"), "\(method) without \(member.name)")
        }
    }

    @Test func positionalParamsAreMatchedInOrder() throws {
        let params = try AgentRunRequest.Params(decoding: ["echo", "hello"])
        #expect(params.agent == "echo")
        #expect(params.input == "hello")
        #expect(throws: ResponseError.self) { try AgentRunRequest.Params(decoding: ["echo", "hello", "extra"]) }
        #expect(throws: ResponseError.self) { try RunListRequest.Params(decoding: ["completed"]) }
    }

    @Test func nullAndAbsentParamsAreTheSame() throws {
        #expect(Self.decode(PingRequest.self, nil) == nil)
        #expect(Self.decode(RunListRequest.self, nil) == nil)
        #expect(Self.decode(PingRequest.self, .array([])) == nil)
        #expect(Self.decode(PingRequest.self, "text")?.code == .invalidParams)
    }

    /// Required members with values of their type, for messages without examples.
    static func minimal(_ type: any MessageType.Type) -> JSONObject {
        JSONObject(
            members(type).filter(\.required).map { member in
                switch jsonType(of: member) {
                case "integer": (key: member.name, value: 1)
                case "boolean": (key: member.name, value: true)
                default: (key: member.name, value: "x")
                }
            }
        )
    }
}
