extension Execution {
    /// Opens the model call's span inside its step. The echo provider's input tokens are the words it
    /// reads (its tokenizer); other providers report theirs through ``StepContext/reportInputTokens(_:)``.
    func modelCallStarted(step: StepContext, agent: AgentDefinition, request: ProviderRequest) {
        guard let telemetry = context.telemetry else { return }
        let (provider, model) = telemetry.model(of: agent)
        telemetry.modelCallStarted(
            stepId: step.stepId,
            agent: agent.name,
            provider: provider,
            model: model,
            input: request.input
        )
        if case .echo = agent.provider {
            let words = ([agent.systemPrompt] + request.history.map(\.input) + [request.input])
                .reduce(0) { $0 + Self.wordCount($1) }
            telemetry.reportInputTokens(stepId: step.stepId, words)
        }
    }
}

extension Execution {
    /// Echo's tokens in `text` (its words), counted without making them.
    static func wordCount(_ text: String) -> Int {
        var text = text
        var count = 0
        text.withUTF8 { utf8 in
            var offset = 0
            while let end = WordScanner.tokenEnd(in: utf8, from: offset) {
                count += 1
                offset = end
            }
        }
        return count
    }
}

extension StepContext {
    /// The W3C trace context of this step's model call: HTTP providers send it as `traceparent` and
    /// `tracestate` headers so the model server's spans join the run's trace. Nil when telemetry is off.
    public var traceContext: TraceContext? {
        run.telemetry?.traceContext(stepId: stepId)
    }

    /// Records the input tokens the model server reported for this step's call.
    public func reportInputTokens(_ count: Int) {
        run.telemetry?.reportInputTokens(stepId: stepId, count)
    }

    /// Records one priced, reported call in metrics and the step's model call span.
    func reportCallUsage(_ usage: Usage) {
        guard let telemetry = run.telemetry else { return }
        if let input = usage.inputTokens { telemetry.reportInputTokens(stepId: stepId, input) }
        if let cost = usage.cost { telemetry.recordCost(cost, model: usage.model ?? "unknown", agent: agent) }
    }
}
