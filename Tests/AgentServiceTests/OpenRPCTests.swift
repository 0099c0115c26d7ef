import AgentService
import Foundation
import JSONCore
import Testing

/// schemas/openrpc.json is the protocol's contract: it must name exactly what the server handles.
@Suite struct OpenRPCTests {
    static let document: JSONValue = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("schemas/openrpc.json")
        let bytes = (try? Data(contentsOf: url)).map { Array($0) } ?? []
        return (try? JSONValue.parse(bytes)) ?? .null
    }()

    static func methods(tagged tag: String) -> Set<String> {
        let methods = document["methods"]?.arrayValue ?? []
        return Set(
            methods.filter { method in
                (method["tags"]?.arrayValue ?? []).contains { $0["name"]?.stringValue == tag }
            }.compactMap { $0["name"]?.stringValue }
        )
    }

    @Test func documentIsOpenRPC() {
        #expect(Self.document["openrpc"]?.stringValue?.hasPrefix("1.3") == true)
        #expect(Self.document["info", "title"] == "AgentWire")
    }

    @Test func everyHandledRequestIsDocumentedAndNothingMore() {
        #expect(Self.methods(tagged: "client-request") == Set(AgentServer.requestMethods))
    }

    @Test func everyHandledNotificationIsDocumentedAndNothingMore() {
        #expect(Self.methods(tagged: "client-notification") == Set(AgentServer.notificationMethods))
    }

    @Test func everySentNotificationIsDocumented() {
        #expect(Self.methods(tagged: "server-notification") == Set(AgentServer.sentNotificationMethods))
    }

    @Test func everySentRequestIsDocumented() {
        #expect(Self.methods(tagged: "server-request") == Set(AgentServer.sentRequestMethods))
    }

    @Test func everyMethodHasExactlyOneDirection() {
        for method in Self.document["methods"]?.arrayValue ?? [] {
            let tags = (method["tags"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
            let directions = tags.filter {
                ["client-request", "client-notification", "server-notification", "server-request"].contains($0)
            }
            #expect(directions.count == 1, "\(method["name"]?.stringValue ?? "?") has directions \(directions)")
        }
    }

    /// The server's method table really answers what it lists: every listed request gets something
    /// other than -32601, and an unlisted name gets -32601.
    @Test func listedRequestsAreReallyHandled() async throws {
        let client = TestClient()
        for method in AgentServer.requestMethods where method != "shutdown" {
            let reply = try await client.request(method, ["runId": "run_none", "agent": "echo", "input": "x"])
            #expect(reply["error", "code"] != .integer(-32601), "\(method) is listed but not handled")
        }
        let unknown = try await client.request("agents/unlisted")
        #expect(unknown["error", "code"] == .integer(-32601))
    }
}
