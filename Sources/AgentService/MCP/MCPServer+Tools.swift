import AgentCore
import AgentProtocol
import JSONCore
import JSONRPC
import JSONRPCTransport

extension MCPServer {
    /// Every agent and workflow as a tool taking `input`.
    func toolsList() -> MCPToolsListResult {
        var tools = runtime.agents.map { agent in
            Self.tool(
                name: agent.name,
                title: "Agent \(agent.name)",
                description: agent.description.isEmpty ? "Runs the agent \(agent.name)." : agent.description
            )
        }
        for workflow in runtime.config.workflows {
            let description =
                workflow.description.isEmpty
                ? "Runs the \(workflow.strategy.name) workflow \(workflow.name) (agents: "
                    + workflow.agents.joined(separator: ", ") + ")."
                : workflow.description
            tools.append(
                Self.tool(
                    name: Self.workflowToolPrefix + workflow.name,
                    title: "Workflow \(workflow.name)",
                    description: description
                )
            )
        }
        return MCPToolsListResult(tools: tools)
    }

    static func tool(name: String, title: String, description: String) -> MCPTool {
        MCPTool(
            name: name,
            title: title,
            description: description,
            inputSchema: [
                "type": "object",
                "properties": [
                    "input": ["type": "string", "description": "What the agent or workflow works on"]
                ],
                "required": ["input"],
                "additionalProperties": false,
            ],
            annotations: MCPToolAnnotations(readOnlyHint: true, openWorldHint: false)
        )
    }

    /// The agent or workflow a tool name stands for.
    func target(tool name: String) -> RunTarget? {
        if runtime.agent(named: name) != nil { return .agent(name) }
        if name.hasPrefix(Self.workflowToolPrefix) {
            let workflow = String(name.dropFirst(Self.workflowToolPrefix.count))
            if runtime.config.workflow(named: workflow) != nil { return .workflow(workflow) }
        }
        return nil
    }

    func callTool(
        id: RequestID,
        params: MCPToolsCallRequest.Params,
        modern: Bool,
        responder: Responder,
        connection: Connection
    ) throws(ResponseError) {
        let name = params.name
        guard let target = target(tool: name) else {
            let known = toolsList().tools.map(\.name)
            throw .invalidParams(
                field: "params.name",
                "unknown tool '\(name)' (known: \(known.joined(separator: ", ")))"
            )
        }
        guard let input = params.arguments?["input"]?.stringValue else {
            throw .invalidParams(field: "params.arguments.input", "is required (a string)")
        }
        let requestLevel = try params.meta?[Self.metaLogLevelKey].map { value throws(ResponseError) in
            try Self.level(value, field: "params._meta.\(Self.metaLogLevelKey)")
        }
        let observer: any RunObserver
        let progress: MCPProgressObserver?
        if let token = params.progressToken {
            progress = MCPProgressObserver(token: token, outbound: connection.outbound)
            observer = progress!
        } else {
            progress = nil
            observer = SilentObserver(outbound: connection.outbound)
        }
        let runId = try runs.start(key: id, target: target, input: input, kind: "tool", observer: observer) {
            [self] runId, outcome, cancelMode in
            progress?.finish()
            switch cancelMode {
            case .noReply:
                logger.debug("Tool call cancelled; no reply, as MCP asks", metadata: ["id": "\(id)"])
                responder.dropReply()
                return
            case .errorReply:
                responder.reply(
                    id: id,
                    .failure(
                        ResponseError(
                            code: .requestCancelled,
                            message: "Request cancelled",
                            data: ["runId": .string(runId)]
                        )
                    )
                )
                return
            case .none:
                break
            }
            var result = Self.callResult(runId: runId, outcome: outcome)
            log(
                result.isError ? "error" : "info",
                ["event": "tool call ended", "tool": .string(name), "runId": .string(runId)],
                requestLevel: requestLevel,
                connection: connection
            )
            if modern { result.resultType = .complete }
            responder.reply(MCPToolsCallRequest.self, id: id, result)
        }
        log(
            "info",
            ["event": "tool call started", "tool": .string(name), "runId": .string(runId)],
            requestLevel: requestLevel,
            connection: connection
        )
    }

    /// The output as text, then `structuredContent` (what the run produced: output, stop reason, the
    /// agent or the workflow and its steps) and, as MCP 2025-06-18 asks of a result with structured
    /// content, that same JSON serialized in a second text block, for clients that read only `content`.
    /// Facts about the run rather than its result (run id, usage, duration) go in `_meta.agentwire`. A
    /// failed run is `isError: true` with the error's message and code, and the partial output.
    static func callResult(runId: String, outcome: Result<RunResult, RunFailure>) -> MCPToolsCallResult {
        let message: String
        var structured: JSONObject
        let outputTokens: Int
        var durationMs: Int?
        let isError: Bool
        let usage: Usage?
        switch outcome {
        case .success(let result):
            message = result.output
            structured = ["output": .string(result.output), "stopReason": .string(result.stopReason.rawValue)]
            if let strategy = result.strategy {
                structured["workflow"] = .string(result.name)
                structured["strategy"] = .string(strategy)
                structured["steps"] = AgentServer.runResultJSON(result)["branches"] ?? []
            } else {
                structured["agent"] = .string(result.name)
            }
            outputTokens = result.outputTokens
            durationMs = result.durationMs
            usage = result.usage
            isError = false
            if let value = result.structuredOutput { structured["structuredOutput"] = value }
        case .failure(let failure):
            let error = AgentServer.responseError(failure)
            message = failure.message
            structured = ["error": ["code": .int(error.code.rawValue), "message": .string(error.message)]]
            if let partial = failure.partialOutput { structured["partialOutput"] = .string(partial) }
            outputTokens = failure.outputTokens
            usage = failure.usage
            isError = true
        }
        var serialized: [UInt8] = []
        JSONValue.object(structured).writeCompact(into: &serialized)
        return MCPToolsCallResult(
            content: [
                MCPTextContent(text: message), MCPTextContent(text: String(decoding: serialized, as: UTF8.self)),
            ],
            structuredContent: .object(structured),
            isError: isError,
            runId: runId,
            outputTokens: outputTokens,
            durationMs: durationMs,
            usage: usage.map(RunUsage.init)
        )
    }
}

/// A run observer that sends nothing but still respects the client's pace.
struct SilentObserver: RunObserver {
    let outbound: OutboundQueue
    func runEvent(runId: String, seq: UInt64, event: RunEvent) {}
    func runTokens(runId: String, firstSeq: UInt64, agent: String, stepId: String, texts: [String]) {}
    func waitForCapacity() async { await outbound.waitForCapacity() }
    var hasCapacity: Bool { outbound.hasCapacity }
}
