import AgentCore
import AgentService
import JSONCore
import JSONRPC
import Testing

// One binary, three faces: the first message chooses ACP, MCP or the native protocol.

@Suite struct ProtocolFaceTests {
    private func face(_ json: String) -> ProtocolFace {
        ProtocolFace.detect(Incoming(frame: Array(json.utf8)))
    }

    @Test func theFirstMessageChoosesTheFace() {
        #expect(face(#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":1}}"#) == .acp)
        #expect(
            face(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18"}}"#) == .mcp
        )
        #expect(face(#"{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{}}"#) == .mcp)
        #expect(
            face(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"agentwire/1"}}"#)
                == .native
        )
        #expect(face(#"{"jsonrpc":"2.0","id":1,"method":"initialize"}"#) == .native)
        #expect(face(#"{"jsonrpc":"2.0","id":1,"method":"agent/run","params":["echo","hi"]}"#) == .native)
        // Not quite a date, a notification, a batch, garbage: native.
        #expect(
            face(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-6-18"}}"#)
                == .native
        )
        #expect(face(#"{"jsonrpc":"2.0","method":"initialize","params":{"protocolVersion":1}}"#) == .native)
        #expect(face(#"[{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":1}}]"#) == .native)
        #expect(face("{not json") == .native)
    }

    @Test func anACPClientGetsTheACPFaceAndOnlyIt() async throws {
        let client = TestClient.routed()
        let reply = try await client.request("initialize", ["protocolVersion": 1, "clientCapabilities": [:]])
        #expect(reply["result", "protocolVersion"] == 1)
        #expect(reply["result", "authMethods"] == [])
        #expect(reply["result", "agentCapabilities", "loadSession"] == true)
        #expect(reply["result", "agentInfo", "name"] == "agentwire")
        #expect(reply["result", "_meta", "agentwire", "face"] == "acp")
        // Native methods are not part of this face.
        let native = try await client.request("agents/list")
        #expect(native["error", "code"] == -32601, "\(native.jsonString)")
    }

    @Test func anACPClientAskingForAnotherVersionIsAnsweredWithOne() async throws {
        let client = TestClient.routed()
        let reply = try await client.request("initialize", ["protocolVersion": 7])
        #expect(reply["result", "protocolVersion"] == 1)
    }

    @Test func anMCPClientGetsTheMCPFace() async throws {
        let client = TestClient.routed()
        let reply = try await client.request(
            "initialize",
            ["protocolVersion": "2025-06-18", "capabilities": [:], "clientInfo": ["name": "t", "version": "1"]]
        )
        #expect(reply["result", "protocolVersion"] == "2025-06-18")
        #expect(reply["result", "serverInfo", "name"] == "agentwire")
        #expect(reply["result", "capabilities", "tools"] != nil)
        #expect(reply["result", "_meta", "agentwire", "face"] == "mcp")
        let native = try await client.request("agents/list")
        #expect(native["error", "code"] == -32601, "\(native.jsonString)")
    }

    @Test func theNativeFaceIsUnchangedBehindTheRouter() async throws {
        let client = TestClient.routed()
        let reply = try await client.request("agent/run", ["agent": "echo", "input": "hello there"])
        #expect(reply["result", "output"] == "hello there")
        #expect(client.notifications("run/token").count == 2)
    }

    @Test func aForcedFaceIgnoresTheFirstMessage() async throws {
        let client = TestClient.routed(forced: .mcp)
        let reply = try await client.request("tools/list")
        let names = reply["result", "tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(names.contains("echo") && names.contains("workflow_fanout"), "\(reply.jsonString)")

        let acp = TestClient.routed(forced: .acp)
        let refused = try await acp.request("agent/run", ["agent": "echo", "input": "hi"])
        #expect(refused["error", "code"] == -32601)
    }

    @Test func eofBeforeAnyMessageExitsCleanly() async throws {
        let client = TestClient.routed()
        client.closeInput()
        #expect(try await client.waitForExit() == 0)
    }

    @Test func theBinaryTakesTheProtocolOption() async throws {
        let acp = try TestClient(binaryArguments: ["--store", "memory", "--protocol", "acp"])
        let refused = try await acp.request("agents/list")
        #expect(refused["error", "code"] == -32601, "\(refused.jsonString)")
        let initialized = try await acp.request("initialize", ["protocolVersion": 1])
        #expect(initialized["result", "protocolVersion"] == 1)
        acp.closeInput()
        #expect(try await acp.waitForExit() == 0)

        let detected = try TestClient(binaryArguments: ["--store", "memory"])
        let mcp = try await detected.request("server/discover", [:])
        #expect(mcp["result", "supportedVersions"] == ["2026-07-28"], "\(mcp.jsonString)")
        detected.closeInput()
        #expect(try await detected.waitForExit() == 0)
    }
}
