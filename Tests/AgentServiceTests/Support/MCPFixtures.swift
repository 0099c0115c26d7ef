import FakeModelServer
import Foundation
import JSONCore
import Testing

/// The MCP server the MCP tests call: `Tests/protocol-clients/mcp_tool_server.py`, written with the
/// official Python SDK, run by the Python that `scripts/setup-protocol-clients.sh` installs it into.
enum MCPFixture {
    /// `AGENTWIRE_TEST_PYTHON`, else the venv `scripts/setup-protocol-clients.sh` makes.
    static let python: String = {
        if let python = ProcessInfo.processInfo.environment["AGENTWIRE_TEST_PYTHON"], !python.isEmpty { return python }
        let cache =
            ProcessInfo.processInfo.environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? NSHomeDirectory() + "/.cache"
        return cache + "/agentwire/protocol-clients-venv/bin/python"
    }()

    static let script: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("protocol-clients/mcp_tool_server.py").path
    }()

    /// Fails the test, saying what to run, when the Python MCP SDK is not installed.
    static func require() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: python),
            "The MCP tests need the official Python MCP SDK: run scripts/setup-protocol-clients.sh (or set AGENTWIRE_TEST_PYTHON)"
        )
    }

    /// A directory for the server's marker files.
    static func markers() -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agentwire-mcp-\(UUID())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// A stdio server entry of `mcpServers`, as config JSON text.
    static func stdio(
        mode: String = "normal",
        markers: URL? = nil,
        lingering: Bool = false,
        members: String = #""permission": "allow""#
    ) -> String {
        let env = markers.map { #", "env": {"MCP_FIXTURE_DIR": "\#($0.path)"}"# } ?? ""
        let linger = lingering ? #", "--linger""# : ""
        return #"{"command": "\#(python)", "args": ["\#(script)", "--mode", "\#(mode)"\#(linger)]\#(env), \#(members)}"#
    }

    /// Waits until the server has written marker `name`.
    static func waitForMarker(_ directory: URL, _ name: String, timeout: Duration = .seconds(20)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        let path = directory.appendingPathComponent(name).path
        while ContinuousClock.now < deadline {
            if FileManager.default.fileExists(atPath: path) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    static func marker(_ directory: URL, _ name: String) -> String? {
        try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }
}

/// A model that calls `tool` with `arguments` whenever the last message is not a tool result, and
/// otherwise answers `got: <the tool's result>`, so a test sees what the model was sent.
func mcpCallingModel(tool: String, arguments: String) async throws -> FakeModelServer {
    try await FakeModelServer.start { request in
        let messages = (try? JSONValue.parse(request.bodyText))?["messages"]?.arrayValue ?? []
        if let last = messages.last, last["role"] == "tool" {
            let content = last["content"]?.stringValue ?? ""
            return [.send(Array((StreamScript.eventStreamHead + StreamScript.reply(["got: ", content])).utf8))]
        }
        let call = StreamScript.toolCall(id: "call_m", name: tool, arguments: arguments)
        let body =
            StreamScript.eventStreamHead + StreamScript.roleChunk + call + StreamScript.finish("tool_calls")
            + StreamScript.done
        return [.send(Array(body.utf8))]
    }
}

/// Whether process `pid` is gone (or a zombie nobody has collected yet).
func processIsGone(_ pid: Int32) -> Bool {
    if kill(pid, 0) != 0 { return errno == ESRCH }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
    // The state follows the command name in parentheses.
    guard let close = stat.lastIndex(of: ")") else { return false }
    return stat[stat.index(close, offsetBy: 2)] == "Z"
}
