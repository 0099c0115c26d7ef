import JSONCore

/// A named multi-agent workflow: a strategy with its parts, an error policy and timeouts.
public struct WorkflowDefinition: Sendable, Equatable {
    public var name: String
    public var description: String
    public var strategy: Strategy
    public var onError: OnError
    /// Limit for the whole workflow.
    public var timeoutMs: Int?
    /// Limit for each agent call inside it.
    public var stepTimeoutMs: Int?
    /// What a run of this workflow may spend unless its request says otherwise (`limits.budget`).
    public var budget: Budget?
    /// The JSON Schema the workflow's final output must match (`outputSchema`), unless the request
    /// gives its own.
    public var outputSchema: JSONValue?

    public init(
        name: String,
        description: String = "",
        strategy: Strategy,
        onError: OnError = .fail,
        timeoutMs: Int? = nil,
        stepTimeoutMs: Int? = nil
    ) {
        self.name = name
        self.description = description
        self.strategy = strategy
        self.onError = onError
        self.timeoutMs = timeoutMs
        self.stepTimeoutMs = stepTimeoutMs
    }

    /// Every agent the workflow calls, in order of first appearance.
    public var agents: [String] {
        var names: [String] = []
        func add(_ name: String) { if !names.contains(name) { names.append(name) } }
        switch strategy {
        case .sequential(let steps):
            steps.forEach { add($0.agent) }
        case .parallel(let tasks, let aggregate):
            tasks.forEach { add($0.agent) }
            if case .agent(let name) = aggregate { add(name) }
        case .hierarchical(let master, let subAgents, let aggregate):
            add(master)
            subAgents.forEach(add)
            if case .agent(let name) = aggregate { add(name) }
        }
        return names
    }
}

/// How a workflow's agents are combined.
public enum Strategy: Sendable, Equatable {
    /// A → B → C: each step's input is its transform of the workflow input and the previous output
    /// (by default, the previous output; the first step gets the workflow input).
    case sequential([SequentialStep])
    /// A + B + C at once, each on its own input (a template, by default the workflow input); the
    /// results are aggregated.
    case parallel([ParallelTask], aggregate: Aggregate)
    /// The master's output is split into sub-tasks for the sub-agents (see ``Delegation``), whose results
    /// are aggregated.
    case hierarchical(master: String, subAgents: [String], aggregate: Aggregate)

    public var name: String {
        switch self {
        case .sequential: "sequential"
        case .parallel: "parallel"
        case .hierarchical: "hierarchical"
        }
    }
}

public struct SequentialStep: Sendable, Equatable {
    public var agent: String
    public var transform: Template?

    public init(agent: String, transform: Template? = nil) {
        self.agent = agent
        self.transform = transform
    }
}

public struct ParallelTask: Sendable, Equatable {
    public var agent: String
    public var input: Template?

    public init(agent: String, input: Template? = nil) {
        self.agent = agent
        self.input = input
    }
}

/// How the results of several branches become one output.
public enum Aggregate: Sendable, Equatable {
    /// The outputs in branch order, separated by a blank line.
    case concat
    /// A numbered list, one line per branch: `1. output`.
    case list
    /// An aggregator agent gets the concatenation and its output is the result.
    case agent(String)

    public static func parse(_ text: String) -> Aggregate? {
        switch text {
        case "concat": .concat
        case "list": .list
        default: nil
        }
    }

    /// Combines branch outputs for `.concat` and `.list` (and builds the aggregator's input).
    public func combine(_ outputs: [String]) -> String {
        switch self {
        case .list: outputs.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: "\n")
        case .concat, .agent: outputs.joined(separator: "\n\n")
        }
    }
}

/// What a failing branch does to the workflow.
public enum OnError: String, Sendable, Equatable {
    /// Cancel the other branches and fail the workflow.
    case fail
    /// Record the failure and go on with what succeeded.
    case `continue`
}

/// The hierarchical delegation rule.
///
/// The master's output is split into lines; blank lines are dropped. Line `i` (from 0) goes to sub-agent
/// `i % n`; each sub-agent gets its lines joined by newlines as one sub-task, and a sub-agent with no
/// line is not called. A master output of a single line therefore goes to the first sub-agent only;
/// with echo agents the input `"a\nb\nc"` and two sub-agents gives them `"a\nc"` and `"b"`.
public enum Delegation {
    public static func subTasks(from masterOutput: String, subAgents: [String]) -> [(agent: String, input: String)] {
        let lines = masterOutput.split(whereSeparator: \.isNewline).map(String.init)
            .filter { !$0.allSatisfy(\.isWhitespace) }
        guard !subAgents.isEmpty else { return [] }
        var buckets = Array(repeating: [String](), count: subAgents.count)
        for (index, line) in lines.enumerated() { buckets[index % subAgents.count].append(line) }
        return zip(subAgents, buckets).filter { !$0.1.isEmpty }.map { ($0.0, $0.1.joined(separator: "\n")) }
    }
}

extension WorkflowDefinition {
    /// The workflow as the config file and the `coordinator/*` params write it: `strategy`, its parts,
    /// `onError` and the timeouts (``ConfigParser/workflowSpec(strategy:_:path:)`` reads it back). A run
    /// keeps it, so a resumed run follows the workflow it started with, and a change is noticed.
    public var specJSON: JSONValue {
        var object: JSONObject = ["strategy": .string(strategy.name)]
        func template(_ template: Template?) -> JSONValue? { template.map { .string($0.source) } }
        func aggregate(_ aggregate: Aggregate) -> JSONValue {
            switch aggregate {
            case .concat: "concat"
            case .list: "list"
            case .agent(let name): ["agent": .string(name)]
            }
        }
        switch strategy {
        case .sequential(let steps):
            object["steps"] = .array(
                steps.map { step in
                    var member: JSONObject = ["agent": .string(step.agent)]
                    member["transform"] = template(step.transform)
                    return .object(member)
                }
            )
        case .parallel(let tasks, let aggregated):
            object["tasks"] = .array(
                tasks.map { task in
                    var member: JSONObject = ["agent": .string(task.agent)]
                    member["input"] = template(task.input)
                    return .object(member)
                }
            )
            object["aggregate"] = aggregate(aggregated)
        case .hierarchical(let master, let subAgents, let aggregated):
            object["master"] = ["agent": .string(master)]
            object["subAgents"] = .array(subAgents.map { ["agent": .string($0)] })
            object["aggregator"] = aggregate(aggregated)
        }
        object["onError"] = .string(onError.rawValue)
        if let timeoutMs { object["timeoutMs"] = .int(timeoutMs) }
        if let stepTimeoutMs { object["stepTimeoutMs"] = .int(stepTimeoutMs) }
        return .object(object)
    }

    /// The workflow `spec` (a ``specJSON``) describes, named `name`.
    public static func parse(spec: JSONValue, name: String) throws(FieldError) -> WorkflowDefinition {
        guard case .object(let object) = spec, let strategy = object["strategy"]?.stringValue else {
            throw FieldError(path: "definition", message: "expected a workflow with a strategy")
        }
        var workflow = try ConfigParser.workflowSpec(strategy: strategy, object, path: "definition")
        workflow.name = name
        return workflow
    }
}
