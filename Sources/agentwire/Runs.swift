import AgentCore
import AgentProtocol
import AgentService
import AgentStore
import ArgumentParser
import Foundation
import JSONRPC
import Logging

struct Runs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the runs the run store keeps, newest first.",
        discussion: """
            The store is the one `agentwire serve` (its --store) and `agentwire run` keep every run in, \
            shared by every agentwire process of the user, so the runs of editors, scripts, MCP hosts and \
            the terminal are all listed. \
            A table on a terminal: run id, status, kind, agent or workflow, start (local time), duration, \
            tokens and, when the config prices the model, cost. Tab-separated lines with the same columns \
            when piped; with --json, what run/list answers. `agentwire show RUNID` prints one run with its \
            steps and output.

            Exit status: 0 listed (also when the store has no runs yet), 1 the store cannot be read, 2 usage \
            error.
            """
    )

    @OptionGroup var options: CommonOptions

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "Only the runs with this status.")
    var status: RunStatus?

    @Option(help: ArgumentHelp("How many runs to list, from the newest (1 to 500).", valueName: "n"))
    var limit: Int = 20

    @Flag(help: "Print what run/list answers, as JSON.")
    var json = false

    func validate() throws {
        guard (1...500).contains(limit) else { throw ValidationError("--limit must be from 1 to 500") }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let output = RunOutput(json: json, style: .standardError)
        do {
            try await list(output: output)
        } catch let failure as CLIFailure {
            output.report(failure)
            throw ExitCode(failure.exitCode)
        }
    }

    private func list(output: RunOutput) async throws {
        let runtime = try options.makeRuntime(label: "agentwire.runs", defaultLevel: .warning)
        let store = try await storeOptions.open(config: runtime.config.store)
        let list: RunListResult
        do {
            list = try await AgentServer.runList(
                RunListRequest.Params(status: status?.rawValue, limit: Int64(limit)),
                from: store.recorder
            )
            await store.close()
        } catch {
            await store.close()
            throw CLIFailure(error, exitCode: 1)
        }
        if json { return output.writeJSONLine(list.json) }
        guard !list.runs.isEmpty else {
            if let status {
                return output.note("No \(status.rawValue) runs in \(store.path).")
            }
            return output.note(
                "No runs yet in \(store.path). Each run of `agentwire run`, and each one `agentwire serve` runs "
                    + "(for an editor, a script, an MCP host), is kept there."
            )
        }
        let style = TerminalStyle.standardOutput
        let rows = list.runs.map { run -> [StyledCell] in
            [
                StyledCell(run.runId),
                StyledCell(run.status.rawValue, paint: { RunText.paint($0, status: run.status, style: style) }),
                StyledCell(run.kind.rawValue),
                StyledCell(run.agent ?? run.workflow ?? run.strategy ?? "-"),
                StyledCell(RunText.shortTime(run.startedAt)),
                StyledCell(run.durationMs.map(RunText.duration) ?? "-"),
                StyledCell(RunText.tokens(run.usage)),
                StyledCell(RunText.cost(run.usage) ?? "-"),
            ]
        }
        StandardStreams.write(
            StyledTable.render(
                header: ["RUN", "STATUS", "KIND", "AGENT/WORKFLOW", "STARTED", "DURATION", "TOKENS", "COST"],
                rows: rows,
                style: style,
                aligned: isatty(STDOUT_FILENO) == 1
            ),
            to: STDOUT_FILENO
        )
        if list.nextCursor != nil {
            output.note("More runs are kept: --limit (up to 500) and --status show others.")
        }
    }
}

extension RunStatus: ExpressibleByArgument {}

/// `--store` for the commands that keep runs in the run store or read it.
struct StoreOptions: ParsableArguments {
    @Option(
        help: """
            The run store: the SQLite file `agentwire serve --store` keeps runs in, 'memory' for none, or a \
            PostgreSQL URL (postgres://user:password@host:port/db). Default: $AGENTWIRE_STORE, else the \
            config's `store`, else $XDG_STATE_HOME/agentwire/agentwire.sqlite (~/.local/state/… when unset).
            """
    )
    var store: String?

    struct Opened {
        let recorder: any RunRecorder
        /// The file, `memory`, or the URL with its password masked.
        let path: String
    }

    /// The store as `serve` opens it, its runs left running by processes that are gone marked
    /// interrupted (as every `serve` does when it starts). A SQLite file that does not exist is read as
    /// an empty store: reading creates nothing.
    func open(config: StoreSettings?) async throws -> Opened {
        let choice = StoreSetup.choose(option: store, config: config)
        guard choice.isMemory || choice.isPostgres || FileManager.default.fileExists(atPath: choice.location) else {
            return Opened(recorder: MemoryRunStore(), path: choice.described)
        }
        let logger = Logger(label: "agentwire.store")
        let opened = try await StoreSetup.open(choice, logger: logger)
        await StoreSetup.recover(opened, retainDays: 0, logger: logger)
        return Opened(recorder: opened, path: choice.described)
    }

    /// The store a run is kept in (`agentwire run`), created when missing. When it cannot be opened, the
    /// run is kept in memory only: after a warning on stderr for the default store, while a store named
    /// with --store, AGENTWIRE_STORE or the config is a failure (status 1), since whoever named it expects
    /// to find the run there.
    func openForRecording(output: RunOutput, config: StoreSettings?) async throws -> Opened {
        let choice = StoreSetup.choose(option: store, config: config)
        if choice.isMemory { return Opened(recorder: MemoryRunStore(), path: "memory") }
        let logger = Logger(label: "agentwire.store")
        do {
            let opened = try await StoreSetup.offThePool { () throws(StoreError) -> any RunRecorder in
                try StoreSetup.recorder(choice, logger: logger)
            }
            return Opened(recorder: opened, path: choice.described)
        } catch {
            // The error names the store: `Cannot open the run store at PATH: …`.
            guard choice.source == .default else {
                throw CLIFailure(
                    ResponseError(code: .internalError, message: error.message),
                    suggestions: ["--store memory runs without keeping the run."],
                    exitCode: 1
                )
            }
            output.warn("\(error.message); the run goes on, not kept (--store chooses another store)")
            return Opened(recorder: MemoryRunStore(), path: "memory")
        }
    }
}

extension StoreOptions.Opened {
    /// Writes what was recorded and releases the store, on a thread of its own: a recorder's `close`
    /// blocks its caller, which must not be a thread of the cooperative pool.
    func close() async {
        let recorder = self.recorder
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                recorder.close()
                continuation.resume()
            }
            thread.name = "agentwire-store-close"
            thread.start()
        }
    }
}

extension CLIFailure {
    /// An error the service would answer with, as it is.
    init(_ error: ResponseError, suggestions: [String] = [], exitCode: Int32) {
        self.init(usage: error.message)
        self.error = error
        self.suggestions = suggestions
        self.exitCode = exitCode
    }
}

/// How `agentwire runs` and `agentwire show` write a run's figures for people.
enum RunText {
    /// `running` as it is, `completed` green, `failed` red, `cancelled` and `interrupted` yellow.
    static func paint(_ text: String, status: RunInfo.Status, style: TerminalStyle) -> String {
        switch status {
        case .running: text
        case .completed: style.green(text)
        case .failed: style.red(text)
        case .cancelled, .interrupted: style.yellow(text)
        }
    }

    static func paint(_ text: String, step: RunStepState.Status, style: TerminalStyle) -> String {
        switch step {
        case .started: text
        case .completed, .reused: style.green(text)
        case .failed: style.red(text)
        case .cancelled: style.yellow(text)
        }
    }

    /// `850 ms`, `12.3 s`, `4m 05s`, `2h 07m`.
    static func duration(_ milliseconds: Int) -> String {
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        if milliseconds < 60_000 {
            return String(format: "%.1f s", Double(milliseconds) / 1000)
        }
        let seconds = milliseconds / 1000
        if seconds < 3600 { return String(format: "%dm %02ds", seconds / 60, seconds % 60) }
        return String(format: "%dh %02dm", seconds / 3600, seconds % 3600 / 60)
    }

    /// A timestamp of the protocol (ISO 8601) in local time: `14:03:12` today, `2025-11-21 09:12` before.
    static func shortTime(_ timestamp: String, now: Date = Date()) -> String {
        guard let date = try? Date(timestamp, strategy: .iso8601) else { return timestamp }
        let sameDay = Calendar.current.isDate(date, inSameDayAs: now)
        return format(date, sameDay ? "HH:mm:ss" : "yyyy-MM-dd HH:mm")
    }

    /// A timestamp of the protocol in local time: `2025-11-21 09:12:40`.
    static func localTime(_ timestamp: String) -> String {
        guard let date = try? Date(timestamp, strategy: .iso8601) else { return timestamp }
        return format(date, "yyyy-MM-dd HH:mm:ss")
    }

    private static func format(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .current
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }

    /// `12 in, 40 out`, or `40 out` when the input tokens are not known.
    static func tokens(_ usage: RunUsage) -> String {
        usage.inputTokens.map { "\($0) in, \(usage.outputTokens) out" } ?? "\(usage.outputTokens) out"
    }

    /// `$0.000123`, when the run's model calls were priced.
    static func cost(_ usage: RunUsage) -> String? {
        usage.costUsd.flatMap { USD($0) }.map(\.description)
    }

    /// `12 input + 40 output tokens, $0.000123, 2 model calls (gpt-4o-mini)`, as `agentwire run` sums up.
    static func usage(_ usage: RunUsage) -> String {
        var text =
            usage.inputTokens.map { "\($0) input + \(usage.outputTokens) output tokens" }
            ?? "\(usage.outputTokens) output tokens"
        if let cost = cost(usage) { text += ", \(cost)" }
        if let calls = usage.modelCalls { text += calls == 1 ? ", 1 model call" : ", \(calls) model calls" }
        if let model = usage.model { text += " (\(model))" }
        return text
    }
}

/// A cell of a ``StyledTable``: its text, and how to colour it once it is padded.
struct StyledCell {
    var text: String
    var paint: (String) -> String

    init(_ text: String, paint: @escaping (String) -> String = { $0 }) {
        self.text = text
        self.paint = paint
    }
}

/// Rows for people (aligned, a bold header, cells coloured after padding so colour does not shift the
/// columns) or for programs (tab-separated, no header, no colour), as ``Table`` prints them.
enum StyledTable {
    static func render(
        header: [String],
        rows: [[StyledCell]],
        style: TerminalStyle,
        aligned: Bool,
        indent: String = ""
    ) -> String {
        guard aligned else {
            return rows.map { $0.map { flat($0.text) }.joined(separator: "\t") + "\n" }.joined()
        }
        let cells = rows.map { $0.map { StyledCell(flat($0.text), paint: $0.paint) } }
        let widths = header.indices.map { column in
            ([header[column].count] + cells.map { $0[column].text.count }).max() ?? 0
        }
        // Each cell padded to its column's width but the row's last one (past which cells are empty), so
        // no line ends in spaces.
        func line(_ row: [StyledCell]) -> String {
            let last = row.lastIndex { !$0.text.isEmpty } ?? 0
            return indent
                + row[...last].enumerated().map { column, cell in
                    cell.paint(
                        column == last
                            ? cell.text : cell.text.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    )
                }.joined(separator: "  ") + "\n"
        }
        let top = line(header.map { StyledCell($0, paint: style.bold) })
        return top + cells.map(line).joined()
    }

    /// A cell on one line: tabs and newlines become spaces.
    private static func flat(_ text: String) -> String {
        text.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")
    }
}
