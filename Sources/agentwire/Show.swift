import AgentCore
import AgentProtocol
import AgentService
import ArgumentParser
import Foundation
import JSONRPC

struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print one run the run store keeps: status, usage, steps and output.",
        discussion: """
            What run/get answers, for people: the status, kind, agent or workflow (with its strategy), \
            start and end (local time), duration, tokens and, when the config prices the model, cost; the \
            error that ended a failed run; the run it resumed (`agentwire resume`); the first line of the \
            input; each step (id, agent, status, duration, error); then the output, which is partial for a \
            failed or cancelled run (none is kept for an interrupted one). With --json, what run/get \
            answers. The run may be any agentwire process's on the same store, running or ended; \
            `agentwire runs` lists their ids.

            Exit status: 0 shown, 1 the store cannot be read, 2 usage error (no such run).
            """
    )

    @OptionGroup var options: CommonOptions

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print what run/get answers, as JSON.")
    var json = false

    @Argument(help: ArgumentHelp("The run's id (see `agentwire runs`).", valueName: "run-id"))
    var runId: String

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let output = RunOutput(json: json, style: .standardError)
        do {
            try await show(output: output)
        } catch let failure as CLIFailure {
            output.report(failure)
            throw ExitCode(failure.exitCode)
        }
    }

    private func show(output: RunOutput) async throws {
        let runtime = try options.makeRuntime(label: "agentwire.show", defaultLevel: .warning)
        let store = try await storeOptions.open(config: runtime.config.store)
        let details: RunDetails
        do {
            details = try await AgentServer.runGet(RunGetRequest.Params(runId: runId), from: store.recorder)
            await store.close()
        } catch {
            await store.close()
            guard error.code == .notFound else { throw CLIFailure(error, exitCode: 1) }
            throw CLIFailure(
                error,
                suggestions: ["`agentwire runs` lists the runs kept in \(store.path)."],
                exitCode: 2
            )
        }
        if json { return output.writeJSONLine(details.json) }
        StandardStreams.write(Self.text(details, style: .standardOutput), to: STDOUT_FILENO)
    }

    /// The run for people: its fields, its steps, then its output.
    static func text(_ details: RunDetails, style: TerminalStyle) -> String {
        let info = details.info
        var fields: [(String, String)] = [
            ("Run", info.runId),
            ("Status", RunText.paint(info.status.rawValue, status: info.status, style: style)),
        ]
        if let error = details.error {
            fields.append(("Error", style.red("\(error.code) \(error.message)")))
        }
        fields.append(("Kind", info.kind.rawValue))
        if let workflow = info.workflow {
            fields.append(("Workflow", info.strategy.map { "\(workflow) (\($0))" } ?? workflow))
        } else if let agent = info.agent {
            fields.append(("Agent", agent))
        }
        if let resumedFrom = info.resumedFrom { fields.append(("Resumed from", resumedFrom)) }
        if let sessionId = details.sessionId { fields.append(("Session", sessionId)) }
        fields.append(("Started", RunText.localTime(info.startedAt)))
        if let endedAt = info.endedAt {
            let duration = info.durationMs.map { " (\(RunText.duration($0)))" } ?? ""
            fields.append(("Ended", RunText.localTime(endedAt) + duration))
        }
        fields.append(("Usage", RunText.usage(info.usage)))
        fields.append(("Input", firstLine(details.input)))
        // The values start in one column, two spaces past the longest label.
        let width = max("Workflow".count, fields.map(\.0.count).max() ?? 0) + 2
        var text = ""
        for (label, value) in fields {
            text += style.dim(label.padding(toLength: width, withPad: " ", startingAt: 0)) + value + "\n"
        }
        if !details.steps.isEmpty {
            // The error column only when a step has one.
            let errors = details.steps.contains { $0.error != nil }
            text += "\n" + style.bold("Steps") + "\n"
            text += StyledTable.render(
                header: ["STEP", "AGENT", "STATUS", "DURATION"] + (errors ? ["ERROR"] : []),
                rows: details.steps.map { step in
                    [
                        StyledCell(step.stepId),
                        StyledCell(step.agent),
                        StyledCell(
                            step.status.rawValue,
                            paint: { RunText.paint($0, step: step.status, style: style) }
                        ),
                        StyledCell(step.durationMs.map(RunText.duration) ?? "-"),
                    ] + (errors ? [StyledCell(step.error ?? "")] : [])
                },
                style: style,
                aligned: true,
                indent: "  "
            )
        }
        let partial = info.status == .failed || info.status == .cancelled
        text += "\n" + style.bold(partial ? "Output (partial)" : "Output") + "\n"
        switch details.output {
        case .some(let output) where !output.isEmpty:
            text += output.hasSuffix("\n") ? output : output + "\n"
        case .some:
            text += style.dim("(empty)") + "\n"
        case .none:
            let why =
                info.status == .running
                ? "none yet: the run is still running" : "none kept: the process running it ended first"
            text += style.dim("(\(why))") + "\n"
        }
        return text
    }

    /// The input's first line, at most 100 characters, with `…` when there is more.
    static func firstLine(_ input: String) -> String {
        let line = input.prefix { $0 != "\n" }
        if line.count > 100 { return String(line.prefix(99)) + "…" }
        return line.count < input.count ? line + " …" : String(line)
    }
}
