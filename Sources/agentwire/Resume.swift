import AgentCore
import AgentProtocol
import AgentService
import ArgumentParser
import Foundation
import JSONCore
import JSONRPC

struct Resume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a failed, cancelled or interrupted run again, reusing what it completed.",
        discussion: """
            What run/resume does (docs/PROTOCOL.md, "Resuming a run"), in this process: a new run of the \
            stored run's agent or workflow on its input, kept in the run store with the run it resumes \
            (`agentwire show` says "Resumed from"). The agent calls the original completed are not made \
            again: a workflow's steps that completed show as reused, with their earlier output. The failed \
            or cut step runs again, and every step after it. Any agentwire process's run on the same store \
            can be resumed; one whose process died is marked interrupted first.

            It prints as `agentwire run` does: an agent's tokens go to stdout as they stream; a workflow's \
            result goes to stdout when it ends, each step's start and end to stderr (reused steps as \
            `reused`); with --json every notification as one JSON line, then the result. Ctrl-C cancels it.

            A workflow resumes with the definition it ran with; when the config's workflow of that name has \
            changed since, it is refused unless --force, which runs the current definition. The --max-* \
            budget options apply to the new run: the original's budget, --model and --output-schema are not \
            kept.

            Exit status: 0 done, 1 the run failed (or the store cannot be read), 2 usage error (no such run, \
            or one that cannot be resumed: it completed, is still running, is a session turn, or its \
            workflow changed), 130 interrupted.
            """
    )

    @OptionGroup var options: CommonOptions

    @OptionGroup var printing: RunPrintOptions

    @Flag(
        help: """
            Resume a workflow run whose workflow changed in the config since, with its current definition \
            (steps whose agent and input still match are reused).
            """
    )
    var force = false

    @OptionGroup var budget: BudgetOptions

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: ArgumentHelp("The run to resume (see `agentwire runs`).", valueName: "run-id"))
    var runId: String

    func run() async throws {
        try await TerminalRun.main(json: printing.json) { output, interrupt in
            try await resume(output: output, interrupt: interrupt)
        }
    }

    private func resume(output: RunOutput, interrupt: Interrupt) async throws {
        let runtime = try options.makeRuntime(label: "agentwire.resume", defaultLevel: .warning)
        var requested = RunOptions()
        do throws(FieldError) { requested.budget = try budget.budget() } catch {
            throw BudgetOptions.usageFailure(error)
        }
        let store = try await storeOptions.open(config: runtime.config.store)
        let plan: AgentServer.ResumePlan
        do {
            plan = try await AgentServer.resumePlan(
                RunResumeRequest.Params(runId: runId, force: force),
                runtime: runtime,
                recorder: store.recorder
            )
        } catch {
            await store.close()
            throw Self.refusal(error, runId: runId, storePath: store.path)
        }
        let options = plan.options(requested)
        let stored = plan.stored(runId: "")
        let body: TerminalRun.Body = { runId, observer async throws(RunFailure) in
            try await plan.run(on: runtime, runId: runId, observer: observer, options: options)
        }
        try await TerminalRun(printing: printing, output: output, interrupt: interrupt).execute(
            stored,
            runtime: runtime,
            store: store,
            body: body
        )
    }

    /// Why the run cannot be resumed, as run/resume answers (printed as the sentence for people, with
    /// what to do next); a store that failed is status 1, anything else a usage error.
    static func refusal(_ error: ResponseError, runId: String, storePath: String) -> CLIFailure {
        switch error.code {
        case .notFound where error.data?["runId"] != nil:
            return CLIFailure(
                error,
                suggestions: ["`agentwire runs` lists the runs kept in \(storePath)."],
                exitCode: 2
            )
        case .notFound:
            return CLIFailure(error, exitCode: 2)
        case .invalidParams:
            var failure = CLIFailure(error, exitCode: 2)
            // The sentence without the protocol's `Invalid params: params.runId:` and `force: true`.
            if let detail = error.data?["detail"]?.stringValue {
                failure.message = detail.replacingOccurrences(of: "pass force: true", with: "pass --force")
            }
            switch error.data?["reason"]?.stringValue {
            case "completed": failure.suggestions = ["`agentwire show \(runId)` prints its output."]
            case "running": failure.suggestions = ["`agentwire runs` shows when it has ended."]
            default: break
            }
            return failure
        default:
            return CLIFailure(error, exitCode: 1)
        }
    }
}
