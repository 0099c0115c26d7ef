import AgentProtocol
import JSONCore
import JSONRPC
import Testing

/// Params built from a message's declared members, for the ACP and MCP registry tests: a valid value of
/// each member's schema type, and a value of another type.
enum FaceRegistrySamples {
    /// The JSON type a member's schema names (`"string"`, `"object"`, …), the first of a list, `"enum"` for
    /// an enumeration, or `nil` when any value goes.
    static func jsonType(of member: Member) -> String? {
        if let type = member.schema.json["type"]?.stringValue { return type }
        if let first = member.schema.json["type"]?.arrayValue?.first?.stringValue { return first }
        if member.schema.json["enum"] != nil { return "enum" }
        return nil
    }

    /// A value the member's schema accepts.
    static func validValue(for member: Member) -> JSONValue {
        switch jsonType(of: member) {
        case "string": "x"
        case "integer", "number": 1
        case "boolean": true
        case "object": [:]
        case "array": []
        case "enum": member.schema.json["enum"]?.arrayValue?.first ?? "x"
        default: "x"
        }
    }

    /// A value of another type than the member's schema names, or `nil` when any value goes.
    static func wrongValue(for member: Member) -> JSONValue? {
        switch jsonType(of: member) {
        case "object", "array": "x"
        case nil: nil
        default: [1, 2]
        }
    }

    /// Every required member with a valid value.
    static func minimal(_ type: any MessageType.Type) -> JSONObject {
        JSONObject(
            ParamsDecodingTests.members(type).filter { $0.required && $0.name != "_meta" }.map { member in
                (key: member.name, value: validValue(for: member))
            }
        )
    }

    /// Every declared member with a valid value.
    static func full(_ type: any MessageType.Type) -> JSONObject {
        JSONObject(
            ParamsDecodingTests.members(type).map { member in (key: member.name, value: validValue(for: member)) }
        )
    }

    /// How a message's params treat undeclared members.
    static func unknownMembers(_ type: any MessageType.Type) -> UnknownMembers {
        func open<M: MessageType>(_: M.Type) -> UnknownMembers { M.Params.unknownMembers }
        return open(type)
    }

    /// The result schema of a request.
    static func resultSchema(_ type: any RequestType.Type) -> Schema {
        type.result.schema
    }
}

/// The checks every face registry passes, each recording its failures with the message's method.
enum FaceRegistryChecks {
    /// Names are unique across the registry, and each list holds messages of its own direction.
    static func namesAreUniqueAndDirectionsRight(
        requests: [any RequestType.Type],
        notifications: [any NotificationType.Type],
        serverNotifications: [any NotificationType.Type],
        serverRequests: [any RequestType.Type],
        clientMessage: (String) -> (any MessageType.Type)?
    ) {
        let all = requests as [any MessageType.Type] + notifications + serverNotifications + serverRequests
        let names = all.map { $0.method }
        #expect(Set(names).count == names.count, "\(names)")
        #expect(requests.allSatisfy { $0.direction == .clientRequest })
        #expect(notifications.allSatisfy { $0.direction == .clientNotification })
        #expect(serverNotifications.allSatisfy { $0.direction == .serverNotification })
        #expect(serverRequests.allSatisfy { $0.direction == .serverRequest })
        for type in requests as [any MessageType.Type] + notifications {
            #expect(clientMessage(type.method).map(ObjectIdentifier.init) == ObjectIdentifier(type), "\(type.method)")
        }
        for type in serverNotifications as [any MessageType.Type] + serverRequests {
            #expect(clientMessage(type.method) == nil, "\(type.method) is the server's")
        }
        for type in all {
            #expect(!type.summary.isEmpty && !type.summary.contains("\n"), "\(type.method)")
            #expect(!type.description.isEmpty, "\(type.method)")
        }
        for type in requests + serverRequests {
            #expect(type.result.schema.json.objectValue != nil, "\(type.method)")
        }
    }

    /// An undeclared member is passed over.
    static func unknownMembersAreIgnored(_ type: any MessageType.Type) {
        #expect(FaceRegistrySamples.unknownMembers(type) == .ignore, "\(type.method)")
        var params = FaceRegistrySamples.minimal(type)
        params["futureMember"] = ["anything": true]
        let error = ParamsDecodingTests.decode(type, .object(params))
        #expect(error == nil, "\(type.method): \(error?.message ?? "")")
    }

    /// Every declared member decodes with a value of its type, and `null` reads as absent for the optional
    /// ones.
    static func declaredMembersDecodeAndNullIsAbsent(_ type: any MessageType.Type) {
        let full = ParamsDecodingTests.decode(type, .object(FaceRegistrySamples.full(type)))
        #expect(full == nil, "\(type.method): \(full?.message ?? "")")
        var params = FaceRegistrySamples.minimal(type)
        for member in ParamsDecodingTests.members(type) where !member.required { params[member.name] = .null }
        let error = ParamsDecodingTests.decode(type, .object(params))
        #expect(error == nil, "\(type.method): \(error?.message ?? "")")
    }

    /// A member of another type than its schema names is refused with -32602 naming its path.
    static func memberOfTheWrongTypeIsRefusedWithItsPath(_ type: any MessageType.Type) {
        for member in ParamsDecodingTests.members(type) where member.name != "_meta" {
            guard let wrong = FaceRegistrySamples.wrongValue(for: member) else { continue }
            var params = FaceRegistrySamples.minimal(type)
            params[member.name] = wrong
            let error = ParamsDecodingTests.decode(type, .object(params))
            #expect(error?.code == .invalidParams, "\(type.method).\(member.name) accepted \(wrong.jsonString)")
            #expect(error?.data?["field"] == .string("params.\(member.name)"), "\(type.method).\(member.name)")
        }
    }

    /// A missing required member is refused naming it.
    static func missingRequiredMemberIsNamed(_ type: any MessageType.Type) {
        for member in ParamsDecodingTests.members(type) where member.required {
            var params = FaceRegistrySamples.minimal(type)
            params[member.name] = nil
            let error = ParamsDecodingTests.decode(type, .object(params))
            #expect(error?.data?["field"] == .string("params.\(member.name)"), "\(type.method) without \(member.name)")
        }
    }
}
