extension AgentRuntime {
    /// A run's context, with its telemetry when telemetry is on.
    func makeContext(
        runId: String,
        name: String,
        strategy: String?,
        input: String,
        observer: any RunObserver,
        _ options: RunOptions,
        budget defaults: Budget? = nil
    ) -> RunContext {
        let runTelemetry = telemetry.startRun(
            runId: runId,
            name: name,
            strategy: strategy,
            input: input,
            parent: options.traceContext,
            config: config
        )
        return RunContext(
            runId: runId,
            observer: observer,
            telemetry: runTelemetry,
            mcp: MCPAccess(configured: mcp, session: options.sessionTools),
            budget: options.budget.over(defaults),
            pricing: config.pricing
        )
    }
}

extension RunContext {
    /// Ends the run's span and records its metrics: the last `run/trace` before the response.
    func endRunSpan(result: RunResult) {
        emitSpan {
            $0.runEnded(
                status: result.stopReason == .cancelled ? .cancelled : .completed,
                outputTokens: result.outputTokens,
                output: result.output,
                error: nil
            )
        }
    }

    func endRunSpan(failure: RunFailure) {
        emitSpan {
            $0.runEnded(
                status: .failed,
                outputTokens: failure.outputTokens,
                output: failure.partialOutput ?? "",
                error: failure.message
            )
        }
    }
}
