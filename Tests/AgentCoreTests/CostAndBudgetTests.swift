import AgentCore
import JSONCore
import Synchronization
import Testing

// Money, prices, usage sums, budgets, the model chosen per run and structured output, in the core: runs
// driven by a scripted provider that reports usage the way the `openai` provider does.

/// Every event of a run, kept.
private final class Events: RunObserver {
    private let events = Mutex<[RunEvent]>([])
    func runEvent(runId: String, seq: UInt64, event: RunEvent) { events.withLock { $0.append(event) } }
    var all: [RunEvent] { events.withLock { $0 } }
    var tokens: [String] { all.compactMap { if case .token(_, _, let text) = $0 { text } else { nil } } }
    var startedSteps: [String] {
        all.compactMap { if case .step(let step) = $0, step.status == .started { step.stepId } else { nil } }
    }
}

/// A provider that streams `reply` word by word and reports `input` tokens read from the server, the
/// words as output tokens, and its agent's model; counts its calls and the models it was asked for.
private final class ScriptedModel: Sendable {
    let reply: String
    let input: Int
    private let calls = Mutex<[String]>([])

    init(reply: String = "one two three", input: Int = 1000) {
        self.reply = reply
        self.input = input
    }

    var models: [String] { calls.withLock { $0 } }

    var factory: ProviderFactory {
        { [self] agent in
            guard case .openai(let settings) = agent.provider else { return try builtInProviders(agent) }
            return Call(owner: self, model: settings.model)
        }
    }

    struct Call: Provider {
        let owner: ScriptedModel
        let model: String

        func stream(_ request: ProviderRequest, context: StepContext) async throws {
            owner.calls.withLock { $0.append(model) }
            let words = EchoProvider.tokens(of: owner.reply).map(String.init)
            context.emitTokens(words)
            try await context.checkpoint()
            context.reportUsage(
                Usage(inputTokens: owner.input, outputTokens: words.count, reported: true, model: model)
            )
        }
    }
}

private func model(_ name: String, models: [String] = []) -> AgentDefinition {
    var settings = OpenAISettings(baseURL: "http://127.0.0.1:9/v1", model: "small")
    settings.models = models
    return AgentDefinition(name: name, description: "", provider: .openai(settings))
}

/// $2.50 per million input tokens, $10 per million output, $1.25 per million cached: `small`; `large`
/// costs ten times as much.
private let pricing = Pricing([
    "small": ModelPrice(
        inputPerMillion: USD(decimal: "2.5")!,
        outputPerMillion: USD(decimal: "10")!,
        cachedInputPerMillion: USD(decimal: "1.25")!
    ),
    "large": ModelPrice(inputPerMillion: USD(decimal: "25")!, outputPerMillion: USD(decimal: "100")!),
])

private func runtime(_ agents: [AgentDefinition], _ scripted: ScriptedModel) -> AgentRuntime {
    AgentRuntime(
        config: AgentConfig(
            agents: agents + [AgentDefinition(name: "echo", description: "", provider: .echo(delayMs: 0))],
            pricing: pricing
        ),
        providers: scripted.factory
    )
}

private func sequential(_ agents: String...) -> WorkflowDefinition {
    WorkflowDefinition(name: "chain", strategy: .sequential(agents.map { SequentialStep(agent: $0) }))
}

@Suite struct MoneyTests {
    @Test func decimalPricesAreExactToTheNanoDollar() throws {
        #expect(USD(decimal: "0.15")?.nanos == 150_000_000)
        #expect(USD(0.15)?.nanos == 150_000_000)
        #expect(USD(2.5)?.nanos == 2_500_000_000)
        #expect(USD(decimal: "0.000000001")?.nanos == 1)
        #expect(USD(1e-7)?.nanos == 100)
        // Finer than a nano-dollar, negative or absurd amounts are refused, not rounded.
        #expect(USD(decimal: "0.0000000001") == nil)
        #expect(USD(decimal: "-1") == nil)
        #expect(USD(decimal: "1e12") == nil)
        #expect(USD(nanos: 2_530_000).text == "0.00253")
        #expect(USD(nanos: 1_500_000_000).description == "$1.50")
        #expect(USD(nanos: 123).description == "$0.000000123")
        #expect(USD(nanos: 2_530_000).doubleValue == 0.00253)
    }

    @Test func aCallCostsItsTokensAtTheirPricesRoundedToTheNearestNanoDollar() throws {
        let small = try #require(pricing["small"])
        // 1000 × $2.50 + 3 × $10, per million.
        #expect(small.cost(of: Usage(inputTokens: 1000, outputTokens: 3)) == USD(nanos: 2_530_000))
        // Cached input at its own price: 400 × $2.50 + 600 × $1.25, per million.
        #expect(
            small.cost(of: Usage(inputTokens: 1000, outputTokens: 0, cachedInputTokens: 600)) == USD(nanos: 1_750_000)
        )
        // Half a nano-dollar rounds up, less rounds down.
        let tiny = ModelPrice(inputPerMillion: USD(nanos: 1000), outputPerMillion: .zero)
        #expect(tiny.cost(of: Usage(inputTokens: 500, outputTokens: 0)) == USD(nanos: 1))
        #expect(tiny.cost(of: Usage(inputTokens: 499, outputTokens: 0)) == USD(nanos: 0))
        // Without the server's input figure there is no cost: output alone would understate it.
        #expect(small.cost(of: Usage(outputTokens: 3)) == nil)
    }

    @Test func aSumHasACostOnlyWhenEveryPartHasOne() {
        let priced = Usage(inputTokens: 10, outputTokens: 2, cost: USD(nanos: 5), reported: true, model: "small")
        let counted = Usage(outputTokens: 4)
        let both = priced + priced
        #expect(both.cost == USD(nanos: 10))
        #expect(both.inputTokens == 20)
        #expect(both.modelCalls == 2)
        #expect(both.model == "small")
        let mixed = Usage.sum([priced, counted])
        #expect(mixed.cost == nil)
        #expect(mixed.outputTokens == 6)
        #expect(mixed.inputTokens == 10)
        #expect(mixed.reported == false)
        #expect(Usage.sum([]) == Usage.none)
    }
}

@Suite struct RunUsageTests {
    @Test func aRunsUsageIsItsCallsPricedAndSummed() async throws {
        let scripted = ScriptedModel()
        let runtime = runtime([model("writer"), model("reviewer")], scripted)
        let result = try await runtime.run(
            workflow: sequential("writer", "reviewer"),
            input: "go",
            runId: "run_sum",
            observer: Events()
        )
        #expect(result.usage.inputTokens == 2000)
        #expect(result.usage.outputTokens == 6)
        #expect(result.usage.modelCalls == 2)
        #expect(result.usage.cost == USD(nanos: 5_060_000))
        #expect(result.branches.map(\.usage?.cost) == [USD(nanos: 2_530_000), USD(nanos: 2_530_000)])
        #expect(runtime.monitor.snapshot().agents["writer"]?.cost == USD(nanos: 2_530_000))
    }

    @Test func anEchoStepCountsItsTokensAndHasNoCost() async throws {
        let runtime = runtime([], ScriptedModel())
        let result = try await runtime.run(agent: "echo", input: "a b c", runId: "run_echo", observer: Events())
        #expect(result.usage == Usage(outputTokens: 3, modelCalls: 1, reported: false))
    }
}

@Suite struct BudgetTests {
    @Test func maxOutputTokensCutsTheStreamThereAndFailsTheRun() async throws {
        let runtime = runtime([], ScriptedModel())
        let events = Events()
        let failure = await #expect(throws: RunFailure.self) {
            try await runtime.run(
                agent: "echo",
                input: "one two three four five six seven eight nine ten",
                runId: "run_cut",
                observer: events,
                options: RunOptions(budget: Budget(maxOutputTokens: 4))
            )
        }
        #expect(failure?.kind == .budgetExceeded)
        #expect(events.tokens == ["one ", "two ", "three ", "four "])
        #expect(failure?.partialOutput == "one two three four ")
        #expect(failure?.details["limit"] == .string("maxOutputTokens"))
        #expect(failure?.details["outputTokens"] == .int(4))
        #expect(failure?.retryable == false)
    }

    @Test func maxModelCallsStartsNoFurtherStep() async throws {
        let scripted = ScriptedModel()
        let runtime = runtime([model("a"), model("b"), model("c")], scripted)
        let events = Events()
        let failure = await #expect(throws: RunFailure.self) {
            try await runtime.run(
                workflow: sequential("a", "b", "c"),
                input: "go",
                runId: "run_calls",
                observer: events,
                options: RunOptions(budget: Budget(maxModelCalls: 2))
            )
        }
        #expect(failure?.kind == .budgetExceeded)
        #expect(failure?.details["limit"] == .string("maxModelCalls"))
        #expect(scripted.models.count == 2)
        #expect(events.startedSteps == ["1", "1.1", "1.2"])
        // What the two calls that ran used is kept with the failure.
        #expect(failure?.usage?.cost == USD(nanos: 5_060_000))
    }

    @Test func maxCostStopsTheRunOnceACallGoesOverIt() async throws {
        let scripted = ScriptedModel()
        let runtime = runtime([model("a"), model("b"), model("c")], scripted)
        // Each call costs $0.00253: the second goes over $0.004, and the third never starts.
        let failure = await #expect(throws: RunFailure.self) {
            try await runtime.run(
                workflow: sequential("a", "b", "c"),
                input: "go",
                runId: "run_cost",
                observer: Events(),
                options: RunOptions(budget: Budget(maxCost: USD(decimal: "0.004")))
            )
        }
        #expect(failure?.kind == .budgetExceeded)
        #expect(failure?.details["limit"] == .string("maxCostUsd"))
        #expect(failure?.details["spentUsd"] == .json(.double(0.00506)))
        #expect(scripted.models.count == 2)
    }

    @Test func anAgentsBudgetAppliesUnlessTheRequestReplacesIt() async throws {
        var limited = AgentDefinition(name: "limited", description: "", provider: .echo(delayMs: 0))
        limited.budget = Budget(maxOutputTokens: 2)
        let runtime = AgentRuntime(config: AgentConfig(agents: [limited]))
        await #expect(throws: RunFailure.self) {
            try await runtime.run(agent: "limited", input: "a b c", runId: "run_default", observer: Events())
        }
        let result = try await runtime.run(
            agent: "limited",
            input: "a b c",
            runId: "run_raised",
            observer: Events(),
            options: RunOptions(budget: Budget(maxOutputTokens: 3))
        )
        #expect(result.output == "a b c")
    }
}

@Suite struct ModelPerRunTests {
    @Test func aRequestsModelReplacesTheAgentsAndItsPriceFollows() async throws {
        let scripted = ScriptedModel()
        let runtime = runtime([model("writer")], scripted)
        let result = try await runtime.run(
            agent: "writer",
            input: "go",
            runId: "run_model",
            observer: Events(),
            options: RunOptions(model: "large")
        )
        #expect(scripted.models == ["large"])
        #expect(result.usage.model == "large")
        // 1000 × $25 + 3 × $100, per million.
        #expect(result.usage.cost == USD(nanos: 25_300_000))
    }

    @Test func aModelTheRunCannotUseIsRefusedNamingParamsModel() async throws {
        let runtime = runtime([model("picky", models: ["small", "large"])], ScriptedModel())
        for (agent, chosen, text) in [("echo", "large", "has no model"), ("picky", "huge", "does not offer")] {
            let failure = await #expect(throws: RunFailure.self) {
                try await runtime.run(
                    agent: agent,
                    input: "go",
                    runId: "run_refused",
                    observer: Events(),
                    options: RunOptions(model: chosen)
                )
            }
            #expect(failure?.kind == .invalidInput)
            #expect(failure?.details["field"] == .string("params.model"))
            #expect(failure?.message.contains(text) == true, "\(String(describing: failure))")
        }
    }
}

@Suite struct StructuredOutputTests {
    static let schema = JSONValue(
        json: #"{"type": "object", "required": ["name", "age"], "properties": {"age": {"type": "integer"}}}"#
    )

    @Test func matchingOutputIsParsedIntoTheResult() async throws {
        let runtime = AgentRuntime(config: .builtIn)
        let result = try await runtime.run(
            agent: "echo",
            input: #"```json"# + "\n" + #"{"name": "Ada", "age": 36}"# + "\n```",
            runId: "run_json",
            observer: Events(),
            options: RunOptions(outputSchema: Self.schema)
        )
        #expect(result.structuredOutput == ["name": "Ada", "age": 36])
    }

    @Test func outputThatBreaksTheSchemaOrIsNotJSONFailsWithEveryProblem() async throws {
        let runtime = AgentRuntime(config: .builtIn)
        for (input, paths) in [(#"{"age": "old"}"#, ["$.name", "$.age"]), ("not json", ["$"])] {
            let failure = await #expect(throws: RunFailure.self) {
                try await runtime.run(
                    agent: "echo",
                    input: input,
                    runId: "run_bad",
                    observer: Events(),
                    options: RunOptions(outputSchema: Self.schema)
                )
            }
            #expect(failure?.kind == .outputMismatch)
            #expect(failure?.partialOutput == input)
            guard case .json(let errors)? = failure?.details["errors"] else {
                Issue.record("no errors in \(String(describing: failure))")
                continue
            }
            #expect(errors.arrayValue?.compactMap { $0["path"]?.stringValue }.sorted() == paths.sorted())
        }
    }

    @Test func anAgentsOutputSchemaIsGivenToTheFinalCallOnly() async throws {
        let log = SchemaLog()
        var agent = AgentDefinition(name: "json", description: "", provider: .echo(delayMs: 0))
        agent.outputSchema = ["type": "object"]
        let runtime = AgentRuntime(
            config: AgentConfig(agents: [agent]),
            providers: { _ in SchemaSpy(log: log) }
        )
        _ = try await runtime.run(
            workflow: sequential("json", "json"),
            input: "{}",
            runId: "run_spy",
            observer: Events(),
            options: RunOptions(outputSchema: ["type": "object", "required": []])
        )
        #expect(log.seen.withLock { $0 } == [nil, ["type": "object", "required": []]])
    }
}

private final class SchemaLog: Sendable {
    let seen = Mutex<[JSONValue?]>([])
}

/// Echoes its input and notes the output schema its request carried.
private struct SchemaSpy: Provider {
    let log: SchemaLog

    func stream(_ request: ProviderRequest, context: StepContext) async throws {
        log.seen.withLock { $0.append(request.outputSchema) }
        context.emitToken(request.input)
    }
}
