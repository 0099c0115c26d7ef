import AgentCore
import Foundation
import JSONCore
import Testing

// The pieces of the coordinator that need no server: templates, the delegation rule, aggregation, the
// workflow and limits sections of the config, and where the config is looked for.

/// Parses a config document (merged over the built-in config).
private func wcParse(_ text: String) throws -> AgentConfig {
    try AgentConfig.parse(JSONValue.parse(text), file: "test.json")
}

/// The error a config document is refused with.
private func wcError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ConfigError {
    let root = try JSONValue.parse(text)
    do throws(ConfigError) {
        let config = try AgentConfig.parse(root, file: "test.json")
        Issue.record("expected an error, got workflows \(config.workflows.map(\.name))", sourceLocation: sourceLocation)
        return ConfigError(file: "", path: "", message: "")
    } catch {
        return error
    }
}

private func wcTemplateError(_ source: String) -> TemplateError? {
    do throws(TemplateError) {
        _ = try Template(source)
        return nil
    } catch {
        return error
    }
}

/// A temporary directory removed when the value goes away.
private final class WCTempDir {
    let path: String

    init() throws {
        path =
            FileManager.default.temporaryDirectory.appendingPathComponent("agentwire-discover-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `{}` at `relative` (creating directories); returns the full path.
    @discardableResult
    func file(_ relative: String) throws -> String {
        let full = (path as NSString).appendingPathComponent(relative)
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try Data("{}".utf8).write(to: URL(fileURLWithPath: full))
        return full
    }

    func sub(_ relative: String) throws -> String {
        let full = (path as NSString).appendingPathComponent(relative)
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        return full
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

@Suite struct WorkflowCoreTests {
    // MARK: Template

    @Test func templateRendersPlaceholders() throws {
        let template = try Template("Review {{input}} given {{previous}}.")
        #expect(template.source == "Review {{input}} given {{previous}}.")
        #expect(template.render(input: "IN", previous: "PREV") == "Review IN given PREV.")
    }

    @Test func templateEdgeCases() throws {
        #expect(try Template("plain text").render(input: "i", previous: "p") == "plain text")
        #expect(try Template("").render(input: "i", previous: "p") == "")
        #expect(try Template("{{input}}").render(input: "only", previous: "p") == "only")
        #expect(try Template("{{previous}}{{previous}}").render(input: "i", previous: "ab") == "abab")
        // Spaces inside the braces are ignored.
        #expect(try Template("{{ input }}|{{previous   }}|{{  previous}}").render(input: "i", previous: "p") == "i|p|p")
        // Single braces and lone closers are text.
        #expect(try Template("{input} }} {").render(input: "i", previous: "p") == "{input} }} {")
        // Values are inserted verbatim, never re-parsed.
        #expect(try Template("<{{input}}>").render(input: "{{previous}}", previous: "p") == "<{{previous}}>")
        #expect(try Template("{{input}}\n{{previous}}").render(input: "a\nb", previous: "") == "a\nb\n")
        #expect(try Template("é {{input}} 😀").render(input: "日本", previous: "") == "é 日本 😀")
    }

    @Test func templateRefusesUnknownPlaceholders() throws {
        let error = try #require(wcTemplateError("Hello {{name}}!"))
        #expect(error.message.contains("{{name}}"))
        #expect(error.message.contains("{{input}}"))
        #expect(error.message.contains("Hello {{name}}!"))
        #expect(wcTemplateError("{{}}") != nil)
        #expect(wcTemplateError("{{Input}}") != nil)
        #expect(wcTemplateError("{{input}} and {{prev}}") != nil)
    }

    @Test func templateRefusesUnclosedPlaceholders() throws {
        let error = try #require(wcTemplateError("start {{input"))
        #expect(error.message.contains("unclosed"))
        #expect(error.message.contains("start {{input"))
        #expect(wcTemplateError("{{input}} then {{") != nil)
        #expect(wcTemplateError("{{input} }") != nil)
    }

    @Test func templatesCompareBySource() throws {
        #expect(try Template("{{input}}") == Template("{{input}}"))
        #expect(try Template("{{input}}") != Template("{{ input }}"))
        #expect(Template.variables == ["input", "previous"])
    }

    // MARK: Delegation

    private static func pairs(_ tasks: [(agent: String, input: String)]) -> [String] {
        tasks.map { "\($0.agent)=\($0.input)" }
    }

    @Test func delegationSharesLinesRoundRobin() {
        #expect(Self.pairs(Delegation.subTasks(from: "a\nb\nc", subAgents: ["x", "y"])) == ["x=a\nc", "y=b"])
        #expect(
            Self.pairs(Delegation.subTasks(from: "1\n2\n3\n4\n5", subAgents: ["x", "y", "z"]))
                == ["x=1\n4", "y=2\n5", "z=3"]
        )
        #expect(Self.pairs(Delegation.subTasks(from: "a\nb", subAgents: ["x"])) == ["x=a\nb"])
    }

    @Test func delegationSkipsSubAgentsWithoutLines() {
        // A one-line plan goes to the first sub-agent only.
        #expect(Self.pairs(Delegation.subTasks(from: "single task", subAgents: ["x", "y", "z"])) == ["x=single task"])
        #expect(Self.pairs(Delegation.subTasks(from: "a\nb", subAgents: ["x", "y", "z"])) == ["x=a", "y=b"])
    }

    @Test func delegationDropsBlankLines() {
        #expect(Self.pairs(Delegation.subTasks(from: "a\n\n   \n\tb\n", subAgents: ["x", "y"])) == ["x=a", "y=\tb"])
        #expect(Delegation.subTasks(from: "", subAgents: ["x"]).isEmpty)
        #expect(Delegation.subTasks(from: "\n \n\t\n", subAgents: ["x", "y"]).isEmpty)
        // CRLF and other line breaks split lines too; a line keeps its inner spaces.
        #expect(Self.pairs(Delegation.subTasks(from: "a b\r\nc\r\nd", subAgents: ["x", "y"])) == ["x=a b\nd", "y=c"])
    }

    @Test func delegationEdgeCases() {
        #expect(Delegation.subTasks(from: "a\nb", subAgents: []).isEmpty)
        // The same agent named twice gets two sub-tasks.
        #expect(Self.pairs(Delegation.subTasks(from: "a\nb\nc", subAgents: ["x", "x"])) == ["x=a\nc", "x=b"])
    }

    // MARK: Aggregate

    @Test func aggregateCombines() {
        #expect(Aggregate.concat.combine(["a", "b", "c"]) == "a\n\nb\n\nc")
        #expect(Aggregate.list.combine(["a", "b", "c"]) == "1. a\n2. b\n3. c")
        // An aggregator agent gets the concatenation.
        #expect(Aggregate.agent("judge").combine(["a", "b"]) == "a\n\nb")
        #expect(Aggregate.concat.combine([]) == "")
        #expect(Aggregate.list.combine([]) == "")
        #expect(Aggregate.concat.combine(["only"]) == "only")
        #expect(Aggregate.list.combine(["only"]) == "1. only")
        #expect(Aggregate.list.combine(["a\nc", "b"]) == "1. a\nc\n2. b")
        #expect(Aggregate.list.combine((1...10).map(String.init)).hasSuffix("\n10. 10"))
    }

    @Test func aggregateParses() {
        #expect(Aggregate.parse("concat") == .concat)
        #expect(Aggregate.parse("list") == .list)
        #expect(Aggregate.parse("sum") == nil)
        #expect(Aggregate.parse("LIST") == nil)
    }

    // MARK: Built-in config

    @Test func builtInWorkflows() throws {
        let workflows = AgentConfig.builtIn.workflows
        #expect(workflows.map(\.name) == ["pipeline", "fanout", "delegate"])
        #expect(workflows.map(\.strategy.name) == ["sequential", "parallel", "hierarchical"])
        #expect(workflows.map(\.agents) == [["echo"], ["echo", "echo-thinking"], ["echo", "echo-slow"]])
        #expect(workflows.allSatisfy { $0.onError == .fail && $0.timeoutMs == nil && $0.stepTimeoutMs == nil })
        #expect(AgentConfig.builtIn.agents.map(\.name) == ["echo", "echo-slow", "echo-thinking", "echo-history"])
        #expect(AgentConfig.builtIn.limits == ServiceLimits())
        // Every built-in workflow names only built-in agents.
        for workflow in workflows {
            #expect(workflow.agents.allSatisfy { AgentConfig.builtIn.agent(named: $0) != nil })
        }
    }

    @Test func workflowAgentsListsEachOnceInOrderOfFirstAppearance() {
        let workflow = WorkflowDefinition(
            name: "w",
            strategy: .hierarchical(master: "m", subAgents: ["a", "m", "b", "a"], aggregate: .agent("z"))
        )
        #expect(workflow.agents == ["m", "a", "b", "z"])
        let parallel = WorkflowDefinition(
            name: "p",
            strategy: .parallel([ParallelTask(agent: "x"), ParallelTask(agent: "x")], aggregate: .agent("x"))
        )
        #expect(parallel.agents == ["x"])
    }

    // MARK: Config: workflows

    @Test func sequentialWorkflowFromConfig() throws {
        let config = try wcParse(
            #"""
            {"workflows": {"review": {
              "description": "draft then review",
              "strategy": "sequential",
              "steps": [{"agent": "echo"}, {"agent": "echo-thinking", "transform": "Review: {{previous}} (was {{input}})"}],
              "onError": "continue", "timeoutMs": 5000, "stepTimeoutMs": 1000
            }}}
            """#
        )
        #expect(config.workflows.map(\.name) == ["pipeline", "fanout", "delegate", "review"])
        let review = try #require(config.workflow(named: "review"))
        #expect(
            review
                == WorkflowDefinition(
                    name: "review",
                    description: "draft then review",
                    strategy: .sequential([
                        SequentialStep(agent: "echo"),
                        SequentialStep(
                            agent: "echo-thinking",
                            transform: try Template("Review: {{previous}} (was {{input}})")
                        ),
                    ]),
                    onError: .continue,
                    timeoutMs: 5000,
                    stepTimeoutMs: 1000
                )
        )
        #expect(review.agents == ["echo", "echo-thinking"])
    }

    @Test func parallelWorkflowFromConfig() throws {
        let config = try wcParse(
            #"""
            {"agents": {"judge": {"provider": {"type": "echo"}}},
             "workflows": {
              "both": {"strategy": "parallel", "tasks": [{"agent": "echo"}, {"agent": "echo-slow", "input": "2: {{input}}"}]},
              "listed": {"strategy": "parallel", "tasks": [{"agent": "echo"}], "aggregate": "list"},
              "judged": {"strategy": "parallel", "tasks": [{"agent": "echo"}], "aggregate": {"agent": "judge"}}
            }}
            """#
        )
        let both = try #require(config.workflow(named: "both"))
        #expect(
            both.strategy
                == .parallel(
                    [
                        ParallelTask(agent: "echo"),
                        ParallelTask(agent: "echo-slow", input: try Template("2: {{input}}")),
                    ],
                    aggregate: .concat
                )
        )
        #expect(both.onError == .fail)
        #expect(both.description == "")
        #expect(
            config.workflow(named: "listed")?.strategy == .parallel([ParallelTask(agent: "echo")], aggregate: .list)
        )
        #expect(
            config.workflow(named: "judged")?.strategy
                == .parallel([ParallelTask(agent: "echo")], aggregate: .agent("judge"))
        )
        #expect(config.workflow(named: "judged")?.agents == ["echo", "judge"])
    }

    @Test func hierarchicalWorkflowFromConfig() throws {
        let config = try wcParse(
            #"""
            {"workflows": {
              "plan": {"strategy": "hierarchical", "master": {"agent": "echo-thinking"},
                       "subAgents": [{"agent": "echo"}, {"agent": "echo-slow"}], "aggregator": "list", "onError": "fail"},
              "plain": {"strategy": "hierarchical", "master": {"agent": "echo"}, "subAgents": [{"agent": "echo"}]}
            }}
            """#
        )
        #expect(
            config.workflow(named: "plan")?.strategy
                == .hierarchical(master: "echo-thinking", subAgents: ["echo", "echo-slow"], aggregate: .list)
        )
        #expect(
            config.workflow(named: "plain")?.strategy
                == .hierarchical(master: "echo", subAgents: ["echo"], aggregate: .concat)
        )
    }

    @Test func aConfiguredWorkflowReplacesTheBuiltInOneInPlace() throws {
        let config = try wcParse(
            #"{"workflows": {"fanout": {"strategy": "sequential", "steps": [{"agent": "echo"}]}}}"#
        )
        #expect(config.workflows.map(\.name) == ["pipeline", "fanout", "delegate"])
        #expect(config.workflow(named: "fanout")?.strategy == .sequential([SequentialStep(agent: "echo")]))
    }

    @Test func workflowsMayNameAgentsDefinedInTheSameFileInAnyOrder() throws {
        let config = try wcParse(
            #"{"workflows": {"w": {"strategy": "sequential", "steps": [{"agent": "mine"}]}}, "agents": {"mine": {"provider": {"type": "echo"}}}}"#
        )
        #expect(config.workflow(named: "w")?.agents == ["mine"])
    }

    @Test(arguments: [
        // Structure.
        (#"{"workflows": []}"#, "$.workflows"),
        (#"{"workflows": {"w": 1}}"#, "$.workflows.w"),
        (
            #"{"workflows": {"bad name": {"strategy": "sequential", "steps": [{"agent": "echo"}]}}}"#,
            "$.workflows.bad name"
        ),
        (#"{"workflows": {"w": {"steps": [{"agent": "echo"}]}}}"#, "$.workflows.w.strategy"),
        (#"{"workflows": {"w": {"strategy": "circular", "steps": [{"agent": "echo"}]}}}"#, "$.workflows.w.strategy"),
        (#"{"workflows": {"w": {"strategy": 1}}}"#, "$.workflows.w.strategy"),
        (
            #"{"workflows": {"w": {"strategy": "sequential", "steps": [{"agent": "echo"}], "tasks": []}}}"#,
            "$.workflows.w.tasks"
        ),
        (
            #"{"workflows": {"w": {"strategy": "sequential", "steps": [{"agent": "echo"}], "input": "x"}}}"#,
            "$.workflows.w.input"
        ),
        // Sequential.
        (#"{"workflows": {"w": {"strategy": "sequential"}}}"#, "$.workflows.w.steps"),
        (#"{"workflows": {"w": {"strategy": "sequential", "steps": []}}}"#, "$.workflows.w.steps"),
        (#"{"workflows": {"w": {"strategy": "sequential", "steps": [{}]}}}"#, "$.workflows.w.steps[0].agent"),
        (
            #"{"workflows": {"w": {"strategy": "sequential", "steps": [{"agent": "echo"}, "echo"]}}}"#,
            "$.workflows.w.steps[1]"
        ),
        (
            #"{"workflows": {"w": {"strategy": "sequential", "steps": [{"agent": "echo", "retries": 2}]}}}"#,
            "$.workflows.w.steps[0].retries"
        ),
        (
            #"{"workflows": {"w": {"strategy": "sequential", "steps": [{"agent": "echo", "transform": "{{x}}"}]}}}"#,
            "$.workflows.w.steps[0].transform"
        ),
        (
            #"{"workflows": {"w": {"strategy": "sequential", "steps": [{"agent": "echo", "transform": 3}]}}}"#,
            "$.workflows.w.steps[0].transform"
        ),
        // Parallel.
        (
            #"{"workflows": {"w": {"strategy": "parallel", "tasks": [{"agent": "echo", "input": "{{input"}]}}}"#,
            "$.workflows.w.tasks[0].input"
        ),
        (
            #"{"workflows": {"w": {"strategy": "parallel", "tasks": [{"agent": "echo"}], "aggregate": "avg"}}}"#,
            "$.workflows.w.aggregate"
        ),
        (
            #"{"workflows": {"w": {"strategy": "parallel", "tasks": [{"agent": "echo"}], "aggregate": {}}}}"#,
            "$.workflows.w.aggregate.agent"
        ),
        (
            #"{"workflows": {"w": {"strategy": "parallel", "tasks": [{"agent": "echo"}], "aggregator": "list"}}}"#,
            "$.workflows.w.aggregator"
        ),
        // Hierarchical.
        (
            #"{"workflows": {"w": {"strategy": "hierarchical", "subAgents": [{"agent": "echo"}]}}}"#,
            "$.workflows.w.master"
        ),
        (
            #"{"workflows": {"w": {"strategy": "hierarchical", "master": {}, "subAgents": [{"agent": "echo"}]}}}"#,
            "$.workflows.w.master.agent"
        ),
        (
            #"{"workflows": {"w": {"strategy": "hierarchical", "master": {"agent": "echo"}, "subAgents": []}}}"#,
            "$.workflows.w.subAgents"
        ),
        (
            #"{"workflows": {"w": {"strategy": "hierarchical", "master": {"agent": "echo"}, "subAgents": [{"agent": "echo"}, {"name": "x"}]}}}"#,
            "$.workflows.w.subAgents[1].agent"
        ),
        (
            #"{"workflows": {"w": {"strategy": "hierarchical", "master": {"agent": "echo"}, "subAgents": [{"agent": "echo"}], "aggregator": 2}}}"#,
            "$.workflows.w.aggregator"
        ),
        // Policy and timeouts.
        (
            #"{"workflows": {"w": {"strategy": "sequential", "steps": [{"agent": "echo"}], "onError": "retry"}}}"#,
            "$.workflows.w.onError"
        ),
        (
            #"{"workflows": {"w": {"strategy": "sequential", "steps": [{"agent": "echo"}], "timeoutMs": 0}}}"#,
            "$.workflows.w.timeoutMs"
        ),
        (
            #"{"workflows": {"w": {"strategy": "sequential", "steps": [{"agent": "echo"}], "stepTimeoutMs": 86400001}}}"#,
            "$.workflows.w.stepTimeoutMs"
        ),
        (
            #"{"workflows": {"w": {"strategy": "sequential", "steps": [{"agent": "echo"}], "description": 5}}}"#,
            "$.workflows.w.description"
        ),
    ])
    func workflowErrorsNameTheirPath(document: String, path: String) throws {
        let error = try wcError(document)
        #expect(error.path == path, "\(error)")
        #expect(error.file == "test.json")
        #expect(!error.message.isEmpty)
    }

    @Test func aWorkflowNamingAnUndefinedAgentIsRefused() throws {
        for document in [
            #"{"workflows": {"w": {"strategy": "sequential", "steps": [{"agent": "echo"}, {"agent": "ghost"}]}}}"#,
            #"{"workflows": {"w": {"strategy": "parallel", "tasks": [{"agent": "echo"}], "aggregate": {"agent": "ghost"}}}}"#,
            #"{"workflows": {"w": {"strategy": "hierarchical", "master": {"agent": "ghost"}, "subAgents": [{"agent": "echo"}]}}}"#,
        ] {
            let error = try wcError(document)
            #expect(error.path == "$.workflows.w", "\(error)")
            #expect(error.message.contains("'ghost'"), "\(error)")
            #expect(error.message.contains("echo-history"), "the message lists the defined agents: \(error)")
        }
    }

    @Test func templateErrorsInConfigCarryTheTemplateMessage() throws {
        let error = try wcError(
            #"{"workflows": {"w": {"strategy": "sequential", "steps": [{"agent": "echo"}, {"agent": "echo", "transform": "{{ previos }}"}]}}}"#
        )
        #expect(error.path == "$.workflows.w.steps[1].transform")
        #expect(error.message.contains("{{previos}}"), "\(error)")
        #expect(error.description.hasPrefix("test.json: $.workflows.w.steps[1].transform: "))
    }

    // MARK: Config: limits

    @Test func limitsDefaults() {
        let limits = ServiceLimits()
        #expect(limits.maxConcurrentRuns == 64)
        #expect(limits.requestsPerMinute == nil)
        #expect(limits.heartbeatSeconds == 15)
        #expect(limits.staleAfterSeconds == 300)
        #expect(limits.statsWindow == 1000)
    }

    @Test func limitsFromConfig() throws {
        let config = try wcParse(
            #"{"limits": {"maxConcurrentRuns": 8, "requestsPerMinute": 120, "heartbeatSeconds": 0.5, "staleAfterSeconds": 30, "statsWindow": 50}}"#
        )
        var expected = ServiceLimits()
        expected.maxConcurrentRuns = 8
        expected.requestsPerMinute = 120
        expected.heartbeatSeconds = 0.5
        expected.staleAfterSeconds = 30
        expected.statsWindow = 50
        #expect(config.limits == expected)
        // Agents and workflows stay the built-in ones.
        #expect(config.agents == AgentConfig.builtIn.agents)
        #expect(config.workflows == AgentConfig.builtIn.workflows)
        // Members left out keep their defaults.
        let partial = try wcParse(#"{"limits": {"requestsPerMinute": 1}}"#)
        var expectedPartial = ServiceLimits()
        expectedPartial.requestsPerMinute = 1
        #expect(partial.limits == expectedPartial)
        #expect(try wcParse(#"{"limits": {}}"#).limits == ServiceLimits())
    }

    @Test(arguments: [
        #"{"maxConcurrentRuns": 1}"#, #"{"maxConcurrentRuns": 100000}"#, #"{"requestsPerMinute": 1000000}"#,
        #"{"heartbeatSeconds": 0.01}"#, #"{"heartbeatSeconds": 86400}"#, #"{"staleAfterSeconds": 0.2}"#,
        #"{"statsWindow": 1}"#, #"{"statsWindow": 1000000}"#, #"{"maxConcurrentRuns": 2.0}"#,
    ])
    func limitsAtTheEdgesOfTheirRangesAreAccepted(limits: String) throws {
        _ = try wcParse(#"{"limits": \#(limits)}"#)
    }

    @Test(arguments: [
        (#"[]"#, "$.limits"),
        (#"{"maxConcurrentRuns": 0}"#, "$.limits.maxConcurrentRuns"),
        (#"{"maxConcurrentRuns": 100001}"#, "$.limits.maxConcurrentRuns"),
        (#"{"maxConcurrentRuns": 1.5}"#, "$.limits.maxConcurrentRuns"),
        (#"{"maxConcurrentRuns": "4"}"#, "$.limits.maxConcurrentRuns"),
        (#"{"requestsPerMinute": 0}"#, "$.limits.requestsPerMinute"),
        (#"{"requestsPerMinute": 1000001}"#, "$.limits.requestsPerMinute"),
        (#"{"requestsPerMinute": null}"#, "$.limits.requestsPerMinute"),
        (#"{"heartbeatSeconds": 0}"#, "$.limits.heartbeatSeconds"),
        (#"{"heartbeatSeconds": -1}"#, "$.limits.heartbeatSeconds"),
        (#"{"heartbeatSeconds": 86401}"#, "$.limits.heartbeatSeconds"),
        (#"{"heartbeatSeconds": "15"}"#, "$.limits.heartbeatSeconds"),
        (#"{"staleAfterSeconds": 0}"#, "$.limits.staleAfterSeconds"),
        (#"{"statsWindow": 0}"#, "$.limits.statsWindow"),
        (#"{"statsWindow": 1000001}"#, "$.limits.statsWindow"),
        (#"{"maxRuns": 3}"#, "$.limits.maxRuns"),
    ])
    func limitsOutOfRangeNameTheirPath(limits: String, path: String) throws {
        let error = try wcError(#"{"limits": \#(limits)}"#)
        #expect(error.path == path, "\(error)")
        #expect(!error.message.isEmpty)
    }

    @Test func agentCallLimitFromConfig() throws {
        let config = try wcParse(
            #"{"agents": {"quick": {"provider": {"type": "echo", "delayMs": 5, "thinking": true, "history": true}, "limits": {"timeoutMs": 250}}}}"#
        )
        let quick = try #require(config.agent(named: "quick"))
        #expect(quick.timeoutMs == 250)
        #expect(quick.provider == .echo(delayMs: 5, thinking: true, history: true))
        #expect(
            try wcError(#"{"agents": {"q": {"provider": {"type": "echo"}, "limits": {"timeoutMs": 0}}}}"#).path
                == "$.agents.q.limits.timeoutMs"
        )
        #expect(
            try wcError(#"{"agents": {"q": {"provider": {"type": "echo"}, "limits": {"stepMs": 1}}}}"#).path
                == "$.agents.q.limits.stepMs"
        )
        #expect(
            try wcError(#"{"agents": {"q": {"provider": {"type": "echo", "history": "yes"}}}}"#).path
                == "$.agents.q.provider.history"
        )
    }

    @Test func unknownTopLevelMembersAreRefused() throws {
        let error = try wcError(#"{"agents": {}, "workflow": {}}"#)
        #expect(error.path == "$.workflow")
        #expect(error.message.contains("workflows"))
        #expect(error.message.contains("limits"))
    }

    // MARK: Discovery

    @Test func discoverPrefersAnExplicitPath() throws {
        let dir = try WCTempDir()
        try dir.file("cwd/agentwire.json")
        try dir.file("xdg/agentwire/config.json")
        let found = AgentConfig.discover(
            explicit: "/nowhere/given.json",
            environment: ["XDG_CONFIG_HOME": dir.path + "/xdg", "HOME": dir.path],
            currentDirectory: dir.path + "/cwd"
        )
        // Taken as given, even when it does not exist (loading it then reports the problem).
        #expect(found == "/nowhere/given.json")
    }

    @Test func discoverFindsTheFileInTheCurrentDirectoryFirst() throws {
        let dir = try WCTempDir()
        let local = try dir.file("cwd/agentwire.json")
        try dir.file("xdg/agentwire/config.json")
        let found = AgentConfig.discover(
            explicit: nil,
            environment: ["XDG_CONFIG_HOME": dir.path + "/xdg", "HOME": dir.path],
            currentDirectory: dir.path + "/cwd"
        )
        #expect(found == local)
    }

    @Test func discoverFallsBackToXDGConfigHome() throws {
        let dir = try WCTempDir()
        let cwd = try dir.sub("cwd")
        let user = try dir.file("xdg/agentwire/config.json")
        try dir.file("home/.config/agentwire/config.json")
        let found = AgentConfig.discover(
            explicit: nil,
            environment: ["XDG_CONFIG_HOME": dir.path + "/xdg", "HOME": dir.path + "/home"],
            currentDirectory: cwd
        )
        #expect(found == user)
    }

    @Test func discoverUsesHomeDotConfigWhenXDGIsUnsetOrEmpty() throws {
        let dir = try WCTempDir()
        let cwd = try dir.sub("cwd")
        let user = try dir.file("home/.config/agentwire/config.json")
        #expect(
            AgentConfig.discover(explicit: nil, environment: ["HOME": dir.path + "/home"], currentDirectory: cwd)
                == user
        )
        #expect(
            AgentConfig.discover(
                explicit: nil,
                environment: ["HOME": dir.path + "/home", "XDG_CONFIG_HOME": ""],
                currentDirectory: cwd
            )
                == user
        )
    }

    @Test func discoverFindsNothingAndTheBuiltInConfigIsUsed() throws {
        let dir = try WCTempDir()
        let cwd = try dir.sub("cwd")
        // An XDG directory without the file, and a local file with another name, do not count.
        _ = try dir.sub("xdg/agentwire")
        try dir.file("cwd/agentwire.jsonc")
        let found = AgentConfig.discover(
            explicit: nil,
            environment: ["XDG_CONFIG_HOME": dir.path + "/xdg", "HOME": dir.path + "/home"],
            currentDirectory: cwd
        )
        #expect(found == nil)
    }

    @Test func aDiscoveredFileLoads() throws {
        let dir = try WCTempDir()
        let cwd = try dir.sub("cwd")
        let path = (cwd as NSString).appendingPathComponent("agentwire.json")
        try Data(
            #"{"workflows": {"mine": {"strategy": "parallel", "tasks": [{"agent": "echo"}]}}, "limits": {"statsWindow": 7}}"#
                .utf8
        )
        .write(to: URL(fileURLWithPath: path))
        let found = try #require(
            AgentConfig.discover(explicit: nil, environment: ["HOME": dir.path], currentDirectory: cwd)
        )
        let config = try AgentConfig.load(path: found)
        #expect(
            config.workflow(named: "mine")?.strategy == .parallel([ParallelTask(agent: "echo")], aggregate: .concat)
        )
        #expect(config.limits.statsWindow == 7)
    }
}
