import AgentProtocol
import JSONCore
import JSONRPC
import Testing

/// The ACP registry: one type per message, unique names, and params decoded as ACP asks of receivers
/// (unknown members ignored, wrong types refused by path).
@Suite struct ACPProtocolTests {
    static let methods = ACPProtocol.messages.map { $0.method }

    static func message(_ method: String) throws -> any MessageType.Type {
        try #require(ACPProtocol.messages.first { $0.method == method })
    }

    @Test func methodNamesAreUniqueAndEachHasOneDirection() {
        FaceRegistryChecks.namesAreUniqueAndDirectionsRight(
            requests: ACPProtocol.requests,
            notifications: ACPProtocol.notifications,
            serverNotifications: ACPProtocol.serverNotifications,
            serverRequests: ACPProtocol.serverRequests,
            clientMessage: ACPProtocol.clientMessage
        )
    }

    @Test func theRegistryHoldsWhatTheFaceAnswersAndSends() {
        #expect(
            ACPProtocol.requests.map { $0.method } == [
                "initialize", "authenticate", "session/new", "session/load", "session/list", "session/prompt",
                "session/set_config_option", "session/set_mode", "session/close", "session/resume", "session/fork",
                "session/delete",
            ]
        )
        #expect(ACPProtocol.notifications.map { $0.method } == ["session/cancel", "$/cancel_request"])
        #expect(ACPProtocol.serverNotifications.map { $0.method } == ["session/update"])
        #expect(ACPProtocol.serverRequests.map { $0.method } == ["session/request_permission"])
        #expect(ACPProtocol.clientMessage("agents/list") == nil)
    }

    @Test(arguments: ACPProtocolTests.methods)
    func unknownMembersAreIgnored(method: String) throws {
        FaceRegistryChecks.unknownMembersAreIgnored(try Self.message(method))
    }

    @Test(arguments: ACPProtocolTests.methods)
    func declaredMembersDecodeAndNullIsAbsent(method: String) throws {
        FaceRegistryChecks.declaredMembersDecodeAndNullIsAbsent(try Self.message(method))
    }

    @Test(arguments: ACPProtocolTests.methods)
    func memberOfTheWrongTypeIsRefusedWithItsPath(method: String) throws {
        FaceRegistryChecks.memberOfTheWrongTypeIsRefusedWithItsPath(try Self.message(method))
    }

    @Test(arguments: ACPProtocolTests.methods)
    func missingRequiredMemberIsNamed(method: String) throws {
        FaceRegistryChecks.missingRequiredMemberIsNamed(try Self.message(method))
    }

    @Test func typedParamsCarryTheValues() throws {
        let prompt = try ACPSessionPromptRequest.Params(
            decoding: ["sessionId": "s1", "prompt": [["type": "text", "text": "hi"]], "extra": 1]
        )
        #expect(prompt.sessionId == "s1")
        #expect(prompt.prompt == [["type": "text", "text": "hi"]])
        let initialize = try ACPInitializeRequest.Params(decoding: ["protocolVersion": 1, "clientInfo": .null])
        #expect(initialize.protocolVersion == 1 && initialize.clientInfo == nil)
        let stringVersion = ParamsDecodingTests.decode(ACPInitializeRequest.self, ["protocolVersion": "1"])
        #expect(stringVersion?.data?["field"] == "params.protocolVersion")
        let cancel = try ACPDollarCancelRequestNotification.Params(decoding: ["requestId": 7])
        #expect(cancel.requestId == .integer(7))
    }
}
