import JSONCore

/// Answer to `coordinator/*` and `workflow/run`: the workflow's output and every agent call it made.
public struct WorkflowRunResult: ResultType, Equatable {
    public static let name = "WorkflowRunResult"
    public static let summary =
        #"Answer to `coordinator/*` and `workflow/run`. A run stopped with `run/cancel` is also answered this way, with `stopReason: "cancelled"` and as `output` the output of every agent call so far, in step order, separated by blank lines."#
    public static let members: [Member] = [
        Member("runId", required: true, schema: .ref("RunId")),
        Member("workflow", required: true, schema: .ref("WorkflowName")),
        Member("strategy", required: true, schema: .ref("StrategyName")),
        Member(
            "output",
            required: true,
            schema: .string,
            description:
                #"The workflow's output: the last sequential step's, or the aggregated one (the partial output if the run was cancelled)."#
        ),
        Member("stopReason", required: true, schema: .ref("StopReason")),
        Member("usage", required: true, schema: RunUsage.ref),
        Member("durationMs", required: true, schema: .ref("DurationMs")),
        Member(
            "branches",
            required: true,
            schema: Schema(["type": "array", "items": Branch.ref.json]),
            description:
                #"Every agent call that ended, in the order the calls started (for parallel calls not necessarily `stepId` order). Under `onError: "continue"` failed calls appear here with their `error`."#
        ),
        .structuredOutput,
    ]

    public var runId: String
    /// The workflow's name (the strategy name for `coordinator/*` runs).
    public var workflow: String
    public var strategy: String
    /// The workflow's output, partial if the run was cancelled.
    public var output: String
    public var stopReason: RunStopReason
    public var usage: RunUsage
    public var durationMs: Int
    /// Every agent call that ended, in the order the calls started.
    public var branches: [Branch]
    /// The output parsed as JSON, when the run had an output schema.
    public var structuredOutput: JSONValue?

    public init(
        runId: String,
        workflow: String,
        strategy: String,
        output: String,
        stopReason: RunStopReason,
        usage: RunUsage,
        durationMs: Int,
        branches: [Branch],
        structuredOutput: JSONValue? = nil
    ) {
        self.structuredOutput = structuredOutput
        self.runId = runId
        self.workflow = workflow
        self.strategy = strategy
        self.output = output
        self.stopReason = stopReason
        self.usage = usage
        self.durationMs = durationMs
        self.branches = branches
    }

    public func encode(to object: inout ResultObject) {
        object["runId"] = .string(runId)
        object["workflow"] = .string(workflow)
        object["strategy"] = .string(strategy)
        object["output"] = .string(output)
        object["stopReason"] = .string(stopReason.rawValue)
        object.set("usage", usage)
        object["durationMs"] = .int(durationMs)
        object.set("branches", branches)
        if let structuredOutput { object["structuredOutput"] = structuredOutput }
    }

    /// One agent call of a workflow run and how it ended.
    public struct Branch: ResultType, Equatable {
        public static let name = "BranchResult"
        public static let summary = #"One agent call of a workflow run and how it ended."#
        public static let members: [Member] = [
            Member("stepId", required: true, schema: .ref("StepId")),
            Member("agent", required: true, schema: .ref("AgentName")),
            Member(
                "status",
                required: true,
                schema: Schema(["type": "string", "enum": ["completed", "failed", "cancelled", "reused"]]),
                description:
                    #"How the call ended; `reused` in a run started by `run/resume`: the output of the run it resumes, no model called."#
            ),
            Member(
                "output",
                required: true,
                schema: .string,
                description: #"What the call produced (partial if it failed or was cancelled)."#
            ),
            Member("durationMs", required: true, schema: .ref("DurationMs")),
            Member(
                "error",
                required: false,
                schema: .string,
                description: #"Why the call failed; present when `status` is `failed`."#
            ),
            Member("usage", required: false, schema: RunUsage.ref, description: #"What the call used and cost."#),
        ]

        /// How an agent call ended.
        public enum Status: String, Sendable, Equatable {
            /// `reused`: a resumed run took the call's output from the run it resumes.
            case completed, failed, cancelled, reused
        }

        public var stepId: String
        public var agent: String
        public var status: Status
        /// What the call produced, partial if it failed or was cancelled.
        public var output: String
        /// Why the call failed, with ``Status/failed``.
        public var error: String?
        public var durationMs: Int
        public var usage: RunUsage?

        public init(
            stepId: String,
            agent: String,
            status: Status,
            output: String,
            error: String?,
            durationMs: Int,
            usage: RunUsage? = nil
        ) {
            self.usage = usage
            self.stepId = stepId
            self.agent = agent
            self.status = status
            self.output = output
            self.error = error
            self.durationMs = durationMs
        }

        public func encode(to object: inout ResultObject) {
            object["stepId"] = .string(stepId)
            object["agent"] = .string(agent)
            object["status"] = .string(status.rawValue)
            object["output"] = .string(output)
            object["durationMs"] = .int(durationMs)
            if let error { object["error"] = .string(error) }
            object.set("usage", usage)
        }
    }
}
