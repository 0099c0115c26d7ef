import AgentProtocol
import AgentService
import Foundation
import JSONCore
import Testing

/// The native face handles exactly the messages of the protocol's registry, which the OpenRPC document
/// is generated from.
@Suite struct OpenRPCTests {
    static let document = NativeProtocol.document.json

    static func schema(_ name: String) -> JSONValue? {
        NativeProtocol.schemas.first { $0.name == name }?.schema.json
    }

    @Test func everySentNotificationIsARegisteredType() {
        #expect(Set(RunNotifications.all) == Set(NativeProtocol.serverNotifications.map { $0.method }))
    }

    @Test func everySentRequestIsARegisteredType() {
        #expect(NativeProtocol.serverRequests.map { $0.method } == [PermissionBroker.method])
    }

    /// The server's method table really answers what the registry lists: every listed request gets
    /// something other than -32601, and an unlisted name gets -32601.
    @Test func listedRequestsAreReallyHandled() async throws {
        let client = TestClient()
        for request in NativeProtocol.requests where request.method != "shutdown" {
            let reply = try await client.request(request.method, ["runId": "run_none", "agent": "echo", "input": "x"])
            #expect(reply["error", "code"] != .integer(-32601), "\(request.method) is listed but not handled")
        }
        let unknown = try await client.request("agents/unlisted")
        #expect(unknown["error", "code"] == .integer(-32601))
    }

    /// `initialize` advertises the stream kinds the document's `ServerCapabilities` and `StreamOptions`
    /// declare, no more and no fewer.
    @Test func advertisedStreamKindsAreTheDocumentedOnes() async throws {
        let client = TestClient()
        let reply = try await client.request("initialize", [:])
        let advertised = Set((reply["result", "capabilities", "stream"]?.arrayValue ?? []).compactMap(\.stringValue))
        let capabilities = Self.schema("ServerCapabilities")?["properties"]?["stream"]?["items"]?["enum"]
        let documented = Set((capabilities?.arrayValue ?? []).compactMap(\.stringValue))
        let options = Set(Self.schema("StreamOptions")?["properties"]?.objectValue?.keys ?? [])
        #expect(!advertised.isEmpty)
        #expect(advertised == documented)
        #expect(advertised == options)
    }

    /// An option misspelt by a client is an error naming it, not a silently ignored option.
    @Test func unknownParamsMemberIsRefusedWithItsPath() async throws {
        let client = TestClient()
        let reply = try await client.request("agent/run", ["agent": "echo", "input": "x", "timeoutMS": 5])
        #expect(reply["error", "code"] == .integer(-32602))
        #expect(reply["error", "data", "field"] == "params.timeoutMS")
        let meta = try await client.request("agent/run", ["agent": "echo", "input": "x", "_meta": ["k": "v"]])
        #expect(meta["result", "output"] == "x")
    }
}
