/// The coordinator strategies. Step ids nest: the workflow is step `1`, its agent calls `1.1`, `1.2`, …
extension Execution {
    static let rootStep = "1"

    /// Runs `strategy` on `input`; returns the output, or throws the failure that `onError: fail` raised.
    func run(_ strategy: Strategy, input: String) async throws(RunFailure) -> String {
        switch strategy {
        case .sequential(let steps): try await sequential(steps, input: input)
        case .parallel(let tasks, let aggregate): try await parallel(tasks, input: input, aggregate: aggregate)
        case .hierarchical(let master, let subAgents, let aggregate):
            try await hierarchical(master: master, subAgents: subAgents, input: input, aggregate: aggregate)
        }
    }

    /// A → B → C. Each step gets its transform of `{{input}}` and `{{previous}}`, by default the previous
    /// output. A failed step under `continue` is skipped: the next one gets the last good output.
    func sequential(_ steps: [SequentialStep], input: String) async throws(RunFailure) -> String {
        var previous = input
        var lastFailure: BranchResult? = nil
        var anyCompleted = false
        for (index, step) in steps.enumerated() {
            if Task.isCancelled { break }
            let stepInput = step.transform?.render(input: input, previous: previous) ?? previous
            let result = await call(
                agent: step.agent,
                input: stepInput,
                stepId: "\(Self.rootStep).\(index + 1)",
                parent: Self.rootStep,
                final: index == steps.count - 1
            )
            progress(
                done: index + 1,
                of: steps.count,
                "step \(index + 1) of \(steps.count) (\(step.agent)) \(result.status.rawValue)"
            )
            switch result.status {
            case .completed, .reused:
                previous = result.output
                anyCompleted = true
            case .cancelled: return previous
            case .failed where onError == .fail: throw failure(of: result)
            default: lastFailure = result
            }
        }
        // Under `continue`, a workflow in which no step succeeded has no output to give: it fails.
        if !anyCompleted, let lastFailure { throw failure(of: lastFailure) }
        return previous
    }

    /// All at once; outputs combined in task order. Under `fail`, the first failure cancels the rest.
    func parallel(_ tasks: [ParallelTask], input: String, aggregate: Aggregate) async throws(RunFailure) -> String {
        let results = try await fanOut(
            tasks.enumerated().map { index, task in
                (
                    task.agent, task.input?.render(input: input, previous: input) ?? input,
                    "\(Self.rootStep).\(index + 1)"
                )
            }
        )
        return try await combine(results, aggregate: aggregate, nextStep: tasks.count + 1)
    }

    /// The master answers first; its output is split into sub-tasks by ``Delegation``; the sub-agents run
    /// in parallel and their outputs are aggregated.
    func hierarchical(
        master: String,
        subAgents: [String],
        input: String,
        aggregate: Aggregate
    ) async throws(RunFailure)
        -> String
    {
        let masterResult = await call(agent: master, input: input, stepId: "\(Self.rootStep).1", parent: Self.rootStep)
        switch masterResult.status {
        case .completed, .reused: break
        case .cancelled: return masterResult.output
        default: throw failure(of: masterResult)  // without the master's plan there is nothing to delegate
        }
        let subTasks = Delegation.subTasks(from: masterResult.output, subAgents: subAgents)
        progress(done: 1, of: subTasks.count + 1, "master \(master) delegated \(subTasks.count) sub-tasks")
        let results = try await fanOut(
            subTasks.enumerated().map { index, task in (task.agent, task.input, "\(Self.rootStep).\(index + 2)") },
            progressOffset: 1
        )
        return try await combine(results, aggregate: aggregate, nextStep: subTasks.count + 2)
    }

    /// Runs agent calls concurrently; returns their results in the given order.
    private func fanOut(
        _ calls: [(agent: String, input: String, stepId: String)],
        progressOffset: Int = 0
    )
        async throws(RunFailure) -> [BranchResult]
    {
        let total = calls.count + progressOffset
        finishedBranches.withLock { $0 = progressOffset }
        let outcome: Result<[BranchResult], RunFailure> = await withTaskGroup(of: (Int, BranchResult).self) { group in
            for (index, call) in calls.enumerated() {
                group.addTask {
                    let result = await self.call(
                        agent: call.agent,
                        input: call.input,
                        stepId: call.stepId,
                        parent: Self.rootStep
                    )
                    self.branchFinished(result, total: total)
                    return (index, result)
                }
            }
            var results = [BranchResult?](repeating: nil, count: calls.count)
            var firstFailure: RunFailure? = nil
            for await (index, result) in group {
                results[index] = result
                if result.status == .failed, onError == .fail, firstFailure == nil {
                    firstFailure = failure(of: result)
                    group.cancelAll()
                }
            }
            if let firstFailure { return .failure(firstFailure) }
            return .success(results.compactMap { $0 })
        }
        return try outcome.get()
    }

    /// Aggregates the completed results; an aggregator agent runs as the last step.
    private func combine(
        _ results: [BranchResult],
        aggregate: Aggregate,
        nextStep: Int
    ) async throws(RunFailure) -> String {
        let outputs = results.filter(\.status.succeeded).map(\.output)
        let combined = aggregate.combine(outputs)
        guard case .agent(let aggregator) = aggregate, !Task.isCancelled else { return combined }
        let result = await call(
            agent: aggregator,
            input: combined,
            stepId: "\(Self.rootStep).\(nextStep)",
            parent: Self.rootStep,
            final: true
        )
        if result.status == .failed { throw failure(of: result) }
        return result.output
    }
}
