import AgentCore
import FakeModelServer
import Foundation
import JSONCore
import JSONRPC
import Spawn
import Testing

/// Agents calling the tools of a real MCP server (the Python SDK's, `mcp_tool_server.py`) through the
/// native face, with a scripted model that calls the tool. One at a time: each starts a Python server,
/// which takes a second of CPU, and the rest of the suite runs meanwhile.
@Suite(.serialized) struct MCPToolTests {
    /// A config whose agent `calc` (on `model`) may use the MCP server `fx` (`server`, an `mcpServers`
    /// entry), forcing `toolChoice` on its first request.
    static func config(model: FakeModelServer, server: String, toolChoice: String = "fx__add") throws -> AgentConfig {
        try .mergedOverBuiltIns(
            """
            {
              "mcpServers": {"fx": \(server)},
              "agents": {
                "calc": {
                  "provider": {"type": "openai", "baseURL": "\(model.baseURL)", "model": "m", "retries": 0,
                               "mcpServers": ["fx"], "toolChoice": "\(toolChoice)"}
                }
              }
            }
            """
        )
    }

    static let run: JSONValue = ["agent": "calc", "input": "What is 2 + 3?"]

    /// Runs `calc` once with the model calling `tool`; returns the reply and the run's `run/tool` params.
    static func runCalling(
        _ tool: String,
        _ arguments: String,
        server: String
    ) async throws -> (reply: JSONValue, tools: [JSONValue], model: FakeModelServer, client: TestClient) {
        try MCPFixture.require()
        let model = try await mcpCallingModel(tool: tool, arguments: arguments)
        let client = TestClient(config: try config(model: model, server: server, toolChoice: tool))
        let reply = try await client.request("agent/run", run)
        let runId = try #require(reply["result", "runId"]?.stringValue, "\(reply.jsonString)")
        return (reply, client.runNotificationParams(runId, method: "run/tool"), model, client)
    }

    static func stop(_ client: TestClient, _ model: FakeModelServer) async {
        await client.runtime?.shutdown()
        await model.stop()
    }

    @Test func aModelCallsAnMCPToolAndGetsItsResult() async throws {
        let (reply, tools, model, client) = try await Self.runCalling(
            "fx__add",
            #"{"a": 2, "b": 3}"#,
            server: MCPFixture.stdio()
        )
        #expect(reply["result", "output"] == "got: 5", "\(reply.jsonString)")
        #expect(tools.compactMap { $0["status"]?.stringValue } == ["started", "completed"])
        #expect(tools.last?["tool"] == "fx__add")
        #expect(tools.last?["input"] == ["a": 2, "b": 3])
        #expect(tools.last?["output"] == "5")
        #expect(tools.last?["durationMs"]?.integerValue != nil)
        // The model was offered the server's tools, named server__tool, with their schemas.
        let offered = try JSONValue.parse(model.requests[0].bodyText)["tools"]?.arrayValue ?? []
        let names = offered.compactMap { $0["function", "name"]?.stringValue }
        #expect(names.contains("fx__add") && names.contains("fx__slow") && names.contains("fx__echo"))
        let add = offered.first { $0["function", "name"] == "fx__add" }
        #expect(add?["function", "parameters", "properties", "a", "type"] == "number")
        await Self.stop(client, model)
    }

    @Test func aToolErrorReachesTheModelAsAFailedCall() async throws {
        let (reply, tools, model, client) = try await Self.runCalling("fx__fail", "{}", server: MCPFixture.stdio())
        #expect(tools.last?["status"] == "failed")
        #expect(tools.last?["error"] == "the tool failed on purpose")
        #expect(reply["result", "output"] == "got: error: the tool failed on purpose", "\(reply.jsonString)")
        await Self.stop(client, model)
    }

    @Test func anAskedPermissionThatIsGrantedRunsTheTool() async throws {
        try MCPFixture.require()
        let model = try await mcpCallingModel(tool: "fx__add", arguments: #"{"a": 1, "b": 1}"#)
        let server = MCPFixture.stdio(members: #""permission": "ask""#)
        let client = TestClient(config: try Self.config(model: model, server: server))
        let id = client.sendRequest("agent/run", Self.run)
        let ask = try await client.waitFor { $0["method"] == "permission/request" }.message
        #expect(ask["params", "tool"] == "fx__add")
        #expect(ask["params", "arguments"] == ["a": 1, "b": 1])
        client.send(["jsonrpc": "2.0", "id": ask["id"]!, "result": ["optionId": "allow_once"]])
        let reply = try await client.response(to: id).message
        #expect(reply["result", "output"] == "got: 2", "\(reply.jsonString)")
        await Self.stop(client, model)
    }

    @Test func anAskedPermissionThatIsRefusedNeverReachesTheServer() async throws {
        try MCPFixture.require()
        let markers = MCPFixture.markers()
        let model = try await mcpCallingModel(tool: "fx__crash", arguments: "{}")
        let server = MCPFixture.stdio(markers: markers, members: #""permission": "ask""#)
        let client = TestClient(config: try Self.config(model: model, server: server, toolChoice: "fx__crash"))
        let id = client.sendRequest("agent/run", Self.run)
        let ask = try await client.waitFor { $0["method"] == "permission/request" }.message
        client.send(["jsonrpc": "2.0", "id": ask["id"]!, "result": ["optionId": "reject"]])
        let reply = try await client.response(to: id).message
        #expect(reply["result", "output"] == "got: error: permission was not granted", "\(reply.jsonString)")
        #expect(MCPFixture.marker(markers, "crash-started") == nil)
        await Self.stop(client, model)
    }

    @Test func aServerThatCrashesMidCallFailsThatCallAndStartsAgain() async throws {
        try MCPFixture.require()
        let markers = MCPFixture.markers()
        let crashing = try await mcpCallingModel(tool: "fx__crash", arguments: "{}")
        let adding = try await mcpCallingModel(tool: "fx__whoami", arguments: "{}")
        let config = try AgentConfig.mergedOverBuiltIns(
            """
            {
              "mcpServers": {"fx": \(MCPFixture.stdio(markers: markers))},
              "agents": {
                "crasher": {"provider": {"type": "openai", "baseURL": "\(crashing.baseURL)", "model": "m", "retries": 0,
                                         "mcpServers": ["fx"], "toolChoice": "fx__crash"}},
                "asker": {"provider": {"type": "openai", "baseURL": "\(adding.baseURL)", "model": "m", "retries": 0,
                                       "mcpServers": ["fx"], "toolChoice": "fx__whoami"}}
              }
            }
            """
        )
        let client = TestClient(config: config)
        let first = try await client.request("agent/run", ["agent": "crasher", "input": "crash"])
        let firstRun = try #require(first["result", "runId"]?.stringValue, "\(first.jsonString)")
        let failed = client.runNotificationParams(firstRun, method: "run/tool").last
        #expect(failed?["status"] == "failed")
        #expect(
            failed?["error"]?.stringValue?.contains("MCP server 'fx' exited with status 3") == true,
            "\(failed?.jsonString ?? "")"
        )
        #expect(first["result", "output"]?.stringValue?.hasPrefix("got: error: MCP server 'fx' exited") == true)
        let crashedPid = try #require(MCPFixture.marker(markers, "crash-started"))
        // The next run gets a new server process.
        let second = try await client.request("agent/run", ["agent": "asker", "input": "who?"])
        let output = try #require(second["result", "output"]?.stringValue, "\(second.jsonString)")
        #expect(output.hasPrefix("got: "))
        #expect(output != "got: \(crashedPid)")
        #expect(Int(output.dropFirst(5)) != nil, "\(output)")
        await client.runtime?.shutdown()
        await crashing.stop()
        await adding.stop()
    }

    @Test func cancellingTheRunCancelsTheCallOnTheServer() async throws {
        try MCPFixture.require()
        let markers = MCPFixture.markers()
        let model = try await mcpCallingModel(tool: "fx__slow", arguments: #"{"seconds": 30}"#)
        let client = TestClient(
            config: try Self.config(model: model, server: MCPFixture.stdio(markers: markers), toolChoice: "fx__slow")
        )
        let id = client.sendRequest("agent/run", Self.run)
        #expect(await MCPFixture.waitForMarker(markers, "slow-started"))
        let started = try await client.waitFor { $0["method"] == "run/started" }.message
        let runId = try #require(started["params", "runId"]?.stringValue)
        _ = try await client.request("run/cancel", ["runId": .string(runId)])
        let reply = try await client.response(to: id, timeout: .seconds(10)).message
        #expect(reply["result", "stopReason"] == "cancelled", "\(reply.jsonString)")
        #expect(await MCPFixture.waitForMarker(markers, "slow-cancelled", timeout: .seconds(10)))
        let tools = client.runNotificationParams(runId, method: "run/tool")
        #expect(tools.last?["status"] == "failed")
        #expect(tools.last?["error"] == "cancelled")
        await Self.stop(client, model)
    }

    @Test func progressOfACallStreamsAsRunTool() async throws {
        let (reply, tools, model, client) = try await Self.runCalling(
            "fx__slow",
            #"{"seconds": 0.6}"#,
            server: MCPFixture.stdio()
        )
        #expect(reply["result", "output"] == "got: slept 0.6", "\(reply.jsonString)")
        let progress = tools.filter { $0["status"] == "progress" }
        #expect(progress.count >= 2, "\(tools)")
        let values = progress.compactMap { $0["progress", "progress"]?.doubleValue }
        #expect(values == values.sorted() && values.count == progress.count)
        #expect(progress.first?["progress", "total"]?.doubleValue == 6)
        #expect(tools.first?["status"] == "started")
        #expect(tools.last?["status"] == "completed")
        await Self.stop(client, model)
    }

    @Test func aCallPastItsTimeoutFailsAndIsCancelledOnTheServer() async throws {
        let markers = MCPFixture.markers()
        let server = MCPFixture.stdio(markers: markers, members: #""permission": "allow", "timeoutMs": 3000"#)
        let (reply, tools, model, client) = try await Self.runCalling("fx__slow", #"{"seconds": 30}"#, server: server)
        #expect(tools.last?["status"] == "failed")
        #expect(tools.last?["error"] == "no answer from MCP server 'fx' within 3000 ms", "\(tools)")
        #expect(reply["result", "output"] == "got: error: no answer from MCP server 'fx' within 3000 ms")
        #expect(await MCPFixture.waitForMarker(markers, "slow-cancelled", timeout: .seconds(10)))
        await Self.stop(client, model)
    }

    @Test func toolsAreListedAgainWhenTheServerSaysTheyChanged() async throws {
        try MCPFixture.require()
        let model = try await mcpCallingModel(tool: "fx__add", arguments: #"{"a": 1, "b": 2}"#)
        let client = TestClient(config: try Self.config(model: model, server: MCPFixture.stdio(mode: "list-changed")))
        let first = try await client.request("agent/run", Self.run)
        #expect(first["result", "output"] == "got: 3", "\(first.jsonString)")
        // The server adds `late` after its first call, and says so.
        try await Task.sleep(for: .milliseconds(500))
        let second = try await client.request("agent/run", Self.run)
        #expect(second["result", "output"] == "got: 3", "\(second.jsonString)")
        func offered(_ index: Int) throws -> [String] {
            let tools = try JSONValue.parse(model.requests[index].bodyText)["tools"]?.arrayValue ?? []
            return tools.compactMap { $0["function", "name"]?.stringValue }
        }
        #expect(try !offered(0).contains("fx__late"))
        #expect(try offered(2).contains("fx__late"))
        await Self.stop(client, model)
    }

    @Test func aServerThatPrintsGarbageStillServes() async throws {
        let (reply, _, model, client) = try await Self.runCalling(
            "fx__add",
            #"{"a": 20, "b": 22}"#,
            server: MCPFixture.stdio(mode: "garbage")
        )
        #expect(reply["result", "output"] == "got: 42", "\(reply.jsonString)")
        await Self.stop(client, model)
    }

    @Test func aLargeResultIsCutAndAHugeOneFailsTheCall() async throws {
        let server = MCPFixture.stdio(members: #""permission": "allow", "maxOutputBytes": 1000"#)
        let (reply, tools, model, client) = try await Self.runCalling("fx__huge", #"{"bytes": 5000}"#, server: server)
        let output = try #require(tools.last?["output"]?.stringValue, "\(reply.jsonString)")
        #expect(output == String(repeating: "x", count: 1000) + "\n[output cut at 1000 bytes]")
        await Self.stop(client, model)

        let (_, hugeTools, hugeModel, hugeClient) = try await Self.runCalling(
            "fx__huge",
            #"{"bytes": 9000000}"#,
            server: MCPFixture.stdio()
        )
        #expect(hugeTools.last?["status"] == "failed")
        #expect(
            hugeTools.last?["error"]?.stringValue?.contains("over the limit of 8388608") == true,
            "\(hugeTools.last?.jsonString ?? "")"
        )
        await Self.stop(hugeClient, hugeModel)
    }

    @Test func aServerThatNeverAnswersIsReportedToTheModel() async throws {
        let server = MCPFixture.stdio(mode: "silent", members: #""permission": "allow", "startTimeoutMs": 1500"#)
        let (reply, tools, model, client) = try await Self.runCalling("fx__add", #"{"a": 1, "b": 2}"#, server: server)
        let error = try #require(tools.last?["error"]?.stringValue, "\(reply.jsonString)")
        #expect(
            error.hasPrefix("MCP server 'fx' is not available: MCP server 'fx' did not answer initialize within"),
            "\(error)"
        )
        #expect(
            reply["result", "output"]?.stringValue?.hasPrefix("got: error: MCP server 'fx' is not available") == true
        )
        await Self.stop(client, model)
    }

    @Test func aServerReachedOverStreamableHTTP() async throws {
        try MCPFixture.require()
        let process = try SpawnedProcess(
            executable: MCPFixture.python,
            arguments: [MCPFixture.script, "--http"],
            stdin: .null,
            stdout: .pipe,
            stderr: .null,
            newProcessGroup: true
        )
        defer { process.signalGroup(SIGKILL) }
        let line = await Self.firstLine(of: process.takeOutput())
        let url = try #require(line?.split(separator: " ").last.map(String.init))
        #expect(url.hasSuffix("/mcp"))
        let (reply, tools, model, client) = try await Self.runCalling(
            "fx__add",
            #"{"a": 4, "b": 5}"#,
            server: #"{"url": "\#(url)", "permission": "allow"}"#
        )
        #expect(reply["result", "output"] == "got: 9", "\(reply.jsonString)")
        #expect(tools.last?["output"] == "9")
        await Self.stop(client, model)
    }

    /// The first line written to `fd`, read on a thread of its own, which reads on to the end and then
    /// closes `fd`.
    static func firstLine(of fd: Int32) async -> String? {
        await withCheckedContinuation { continuation in
            Thread {
                var line: [UInt8] = []
                var byte: UInt8 = 0
                while read(fd, &byte, 1) == 1, byte != UInt8(ascii: "\n") { line.append(byte) }
                continuation.resume(returning: line.isEmpty ? nil : String(decoding: line, as: UTF8.self))
                while read(fd, &byte, 1) == 1 {}
                close(fd)
            }.start()
        }
    }
}
