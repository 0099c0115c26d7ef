import AgentCore
import Foundation

/// Runs a local program per call: the input on its stdin, its stdout streamed as tokens as it arrives.
/// A non-zero exit is a provider failure carrying the tail of its stderr; cancelling kills it.
public struct CommandProvider: Provider {
    public var settings: CommandSettings

    public init(settings: CommandSettings) {
        self.settings = settings
    }

    public func stream(_ request: ProviderRequest, context: StepContext) async throws {
        try await context.checkpoint()
        var environment = settings.environment
        if !request.instructions.isEmpty { environment["AGENTWIRE_SYSTEM_PROMPT"] = request.instructions }
        if let schema = request.outputSchema { environment["AGENTWIRE_OUTPUT_SCHEMA"] = schema.jsonString }
        let child = try ChildProcess(
            argv: settings.argv,
            environment: environment,
            workingDirectory: settings.workingDirectory,
            input: request.input
        )
        try await withTaskCancellationHandler {
            var chunker = UTF8Chunker()
            for await chunk in child.stdout {
                let text = chunker.text(chunk)
                if !text.isEmpty { context.emitToken(text) }
                try await context.checkpoint()
            }
            let rest = chunker.finish()
            if !rest.isEmpty { context.emitToken(rest) }
            let status = await child.wait()
            try Task.checkCancellation()
            guard status == 0 else {
                let tail = child.stderrText
                let lastLine = tail.split(separator: "\n").last.map(String.init) ?? ""
                throw ProviderError(
                    "'\(settings.argv[0])' exited with status \(status)\(lastLine.isEmpty ? "" : ": \(lastLine)")",
                    suggestions: ["Run the command by hand with the same input to see its error."],
                    details: ["exitStatus": .int(Int(status)), "stderr": .string(tail)]
                )
            }
        } onCancel: {
            child.stop()
        }
    }
}
