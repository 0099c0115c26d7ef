import AgentCore
import AgentProtocol
import AgentService
import ArgumentParser
import Foundation
import JSONCore

struct Agents: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the agents: name, provider and description.",
        discussion: """
            A table on a terminal; tab-separated lines (name, provider, description) when piped; with \
            --json, what agents/list answers.
            """
    )

    @OptionGroup var options: CommonOptions

    @Flag(help: "Print what agents/list answers, as JSON.")
    var json = false

    func run() async throws {
        let runtime = try options.makeRuntime(label: "agentwire.agents", defaultLevel: .warning)
        let list = AgentServer.agentsList(of: runtime)
        if json { return RunOutput(json: true, style: .standardOutput).writeJSONLine(list.json) }
        Table.print(
            header: ["NAME", "PROVIDER", "DESCRIPTION"],
            rows: list.agents.map { [$0.name, $0.provider, $0.description] }
        )
    }
}

struct Workflows: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the workflows: name, strategy, agents and description.",
        discussion: """
            A table on a terminal; tab-separated lines (name, strategy, agents, description) when piped; \
            with --json, what workflows/list answers. Run one with `agentwire run --workflow NAME INPUT`.
            """
    )

    @OptionGroup var options: CommonOptions

    @Flag(help: "Print what workflows/list answers, as JSON.")
    var json = false

    func run() async throws {
        let runtime = try options.makeRuntime(label: "agentwire.workflows", defaultLevel: .warning)
        let list = AgentServer.workflowsList(of: runtime)
        if json { return RunOutput(json: true, style: .standardOutput).writeJSONLine(list.json) }
        Table.print(
            header: ["NAME", "STRATEGY", "AGENTS", "DESCRIPTION"],
            rows: list.workflows.map { [$0.name, $0.strategy, $0.agents.joined(separator: ","), $0.description] }
        )
    }
}

/// Rows for people on a terminal (aligned, with a header), for programs when piped (tab-separated).
enum Table {
    static func print(header: [String], rows: [[String]]) {
        let style = TerminalStyle.standardOutput
        guard isatty(STDOUT_FILENO) == 1 else {
            let lines = rows.map { $0.map(flat).joined(separator: "\t") + "\n" }
            return StandardStreams.write(lines.joined(), to: STDOUT_FILENO)
        }
        let all = [header] + rows.map { $0.map(flat) }
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        var text = ""
        for (index, row) in all.enumerated() {
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }
            let line = cells.joined(separator: "  ")
            text += (index == 0 ? style.bold(line) : line) + "\n"
        }
        StandardStreams.write(text, to: STDOUT_FILENO)
    }

    /// A cell on one line: tabs and newlines become spaces.
    private static func flat(_ text: String) -> String {
        text.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")
    }
}
