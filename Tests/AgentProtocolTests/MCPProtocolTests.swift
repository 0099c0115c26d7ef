import AgentProtocol
import JSONCore
import JSONRPC
import Testing

/// The MCP registry: one type per message, unique names, and params decoded as MCP asks of receivers
/// (unknown members ignored, wrong types refused by path).
@Suite struct MCPProtocolTests {
    static let methods = MCPProtocol.messages.map { $0.method }

    static func message(_ method: String) throws -> any MessageType.Type {
        try #require(MCPProtocol.messages.first { $0.method == method })
    }

    @Test func methodNamesAreUniqueAndEachHasOneDirection() {
        FaceRegistryChecks.namesAreUniqueAndDirectionsRight(
            requests: MCPProtocol.requests,
            notifications: MCPProtocol.notifications,
            serverNotifications: MCPProtocol.serverNotifications,
            serverRequests: MCPProtocol.serverRequests,
            clientMessage: MCPProtocol.clientMessage
        )
    }

    @Test func theRegistryHoldsWhatTheFaceAnswersAndSends() {
        #expect(
            MCPProtocol.requests.map { $0.method } == [
                "initialize", "server/discover", "ping", "tools/list", "tools/call", "logging/setLevel",
            ]
        )
        #expect(
            MCPProtocol.notifications.map { $0.method } == ["notifications/initialized", "notifications/cancelled"]
        )
        #expect(
            MCPProtocol.serverNotifications.map { $0.method } == ["notifications/progress", "notifications/message"]
        )
        #expect(MCPProtocol.serverRequests.isEmpty)
        #expect(MCPProtocol.clientMessage("agents/list") == nil)
    }

    @Test(arguments: MCPProtocolTests.methods)
    func unknownMembersAreIgnored(method: String) throws {
        FaceRegistryChecks.unknownMembersAreIgnored(try Self.message(method))
    }

    @Test(arguments: MCPProtocolTests.methods)
    func declaredMembersDecodeAndNullIsAbsent(method: String) throws {
        FaceRegistryChecks.declaredMembersDecodeAndNullIsAbsent(try Self.message(method))
    }

    @Test(arguments: MCPProtocolTests.methods)
    func memberOfTheWrongTypeIsRefusedWithItsPath(method: String) throws {
        FaceRegistryChecks.memberOfTheWrongTypeIsRefusedWithItsPath(try Self.message(method))
    }

    @Test(arguments: MCPProtocolTests.methods)
    func missingRequiredMemberIsNamed(method: String) throws {
        FaceRegistryChecks.missingRequiredMemberIsNamed(try Self.message(method))
    }

    @Test func typedParamsCarryTheValues() throws {
        let call = try MCPToolsCallRequest.Params(
            decoding: ["name": "echo", "arguments": ["input": "hi"], "_meta": ["progressToken": 3], "task": [:]]
        )
        #expect(call.name == "echo" && call.arguments?["input"] == "hi" && call.progressToken == 3)
        let untracked = try MCPToolsCallRequest.Params(decoding: ["name": "echo", "_meta": ["progressToken": true]])
        #expect(untracked.progressToken == nil && untracked.arguments == nil)
        let discover = try MCPServerDiscoverRequest.Params(
            decoding: ["_meta": .object(JSONObject([(key: MCPProtocol.metaVersionKey, value: "2026-07-28")]))]
        )
        #expect(discover.requestedVersion == "2026-07-28")
        let loud = ParamsDecodingTests.decode(MCPLoggingSetLevelRequest.self, ["level": "loud"])
        #expect(loud?.data?["field"] == "params.level")
        #expect(try MCPLoggingSetLevelRequest.Params(decoding: ["level": "notice"]).level == "notice")
    }
}
