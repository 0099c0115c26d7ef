import AgentCore
import AgentProviders
import ArgumentParser
import Foundation
import JSONCore
import Logging

struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "The MCP servers of the config (`mcpServers`).",
        subcommands: [MCPList.self],
        defaultSubcommand: MCPList.self
    )
}

struct MCPList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Start each configured MCP server and show whether it started, and its tools.",
        discussion: """
            One row per tool as models see it (server__tool), or per server that offers none (with why). \
            A table on a terminal; tab-separated lines (server, status, tool, description) when piped; \
            with --json, one object per server. Exits with status 1 when a server did not start.
            """
    )

    @OptionGroup var options: CommonOptions

    @Flag(help: "Print one JSON object per server: name, location, started, tools, error.")
    var json = false

    func run() async throws {
        let runtime = try options.makeRuntime(label: "agentwire.mcp", defaultLevel: .warning)
        let hub = MCPHub(servers: runtime.config.mcpServers, logger: Logger(label: "agentwire.mcp"))
        let servers = await hub.status()
        await hub.shutdown()
        if json {
            let value: JSONValue = .array(
                servers.map { server in
                    var object: JSONObject = [
                        "name": .string(server.name),
                        "location": .string(server.location),
                        "started": .bool(server.error == nil),
                        "tools": .array(
                            server.tools.map { tool in
                                [
                                    "name": .string(tool.name), "exposedName": .string(tool.exposedName),
                                    "description": .string(tool.description), "inputSchema": tool.inputSchema,
                                ]
                            }
                        ),
                    ]
                    if let error = server.error { object["error"] = .string(error) }
                    return .object(object)
                }
            )
            RunOutput(json: true, style: .standardOutput).writeJSONLine(value)
        } else if servers.isEmpty {
            StandardStreams.write(
                "No MCP servers are configured (add them under \"mcpServers\" in the config; see docs/CONFIG.md).\n",
                to: STDERR_FILENO
            )
        } else {
            var rows: [[String]] = []
            for server in servers {
                if let error = server.error {
                    rows.append([server.name, "failed", "", error])
                } else if server.tools.isEmpty {
                    rows.append([server.name, "started", "", "(no tools)"])
                } else {
                    rows += server.tools.map { [server.name, "started", $0.exposedName, $0.description] }
                }
            }
            Table.print(header: ["SERVER", "STATUS", "TOOL", "DESCRIPTION"], rows: rows)
        }
        if servers.contains(where: { $0.error != nil }) { throw ExitCode(1) }
    }
}
