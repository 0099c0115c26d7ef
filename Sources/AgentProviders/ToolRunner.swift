import AgentCore
import Foundation
import JSONCore

/// Runs the tool calls a model asks for: checks the arguments (against a command tool's schema), asks
/// for permission when the tool says so, runs the program with a timeout and an output cap or calls the
/// MCP server's tool, and reports each call as `run/tool` events. Whatever happens, the model gets an
/// answer to send back.
struct ToolRunner {
    let tools: [ToolDefinition]
    /// Tools of MCP servers, by the names the model sees.
    var mcpTools: [MCPCallable] = []
    /// Why an MCP server the agent may use offers nothing now, by server name: a call to one of its tools
    /// fails with that reason.
    var unavailable: [String: String] = [:]

    /// Whether the model may call anything (a call to an unavailable server's tool is answered too).
    var isEmpty: Bool { tools.isEmpty && mcpTools.isEmpty && unavailable.isEmpty }

    /// Every tool's name as the model sees it.
    var names: [String] { tools.map(\.name) + mcpTools.map(\.tool.exposedName) }

    /// Runs one call; returns the text sent back to the model as the tool's result.
    func run(_ call: ToolCall, context: StepContext) async throws -> String {
        let clock = ContinuousClock()
        let started = clock.now
        let text = call.arguments.trimmingWhitespace()
        var input = JSONValue.string(call.arguments)
        var parseError: String? = nil
        if text.isEmpty {
            input = .object([:])
        } else {
            do {
                input = try JSONValue.parse(String(text))
            } catch {
                parseError = "the arguments are not JSON: \(error.message)"
            }
        }
        let event = ToolEvent(
            stepId: context.stepId,
            agent: context.agent,
            callId: call.id,
            tool: call.name,
            status: .started,
            input: input
        )
        context.emitTool(event)
        func fail(_ reason: String) -> String {
            var failed = event
            failed.status = .failed
            failed.error = reason
            failed.durationMs = AgentRuntime.milliseconds(clock.now - started)
            context.emitTool(failed)
            return "error: \(reason)"
        }
        /// A cancelled run still ends the call it started, so clients and traces never keep it open.
        func checkCancellation() throws {
            guard Task.isCancelled else { return }
            _ = fail("cancelled")
            throw CancellationError()
        }
        /// Why the call may not run (`nil`: it may), asking the client when the tool says so.
        func permit(_ permission: ToolDefinition.Permission, askTimeoutMs: Int) async throws -> String? {
            switch permission {
            case .allow: return nil
            case .deny: return "the tool is denied by configuration"
            case .ask:
                let decision = await context.requestPermission(
                    callId: call.id,
                    tool: call.name,
                    arguments: input,
                    timeoutMs: askTimeoutMs
                )
                try checkCancellation()
                return decision.allows ? nil : "permission was not granted"
            }
        }
        if let mcp = mcpTools.first(where: { $0.tool.exposedName == call.name }) {
            if let parseError { return fail(parseError) }
            guard input.objectValue != nil else { return fail("invalid arguments: expected a JSON object") }
            if let refusal = try await permit(mcp.tool.permission, askTimeoutMs: mcp.tool.askTimeoutMs) {
                return fail(refusal)
            }
            let result = await mcp.call(arguments: input) { progress in
                var update = event
                update.status = .progress
                update.progress = progress
                context.emitTool(update)
            }
            try checkCancellation()
            if result.isError { return fail(result.text) }
            var completed = event
            completed.status = .completed
            completed.output = result.text
            completed.durationMs = AgentRuntime.milliseconds(clock.now - started)
            context.emitTool(completed)
            return result.text
        }
        if let (server, problem) = unavailable.first(where: {
            call.name.hasPrefix(MCPServerTool.exposedName(server: $0.key, tool: ""))
        }) {
            return fail("MCP server '\(server)' is not available: \(problem)")
        }
        guard let tool = tools.first(where: { $0.name == call.name }) else {
            return fail("unknown tool '\(call.name)' (tools: \(names.joined(separator: ", ")))")
        }
        if let parseError { return fail(parseError) }
        if let problem = SchemaValidator.firstError(input, schema: tool.parameters) {
            return fail("invalid arguments: \(problem)")
        }
        if let refusal = try await permit(tool.permission, askTimeoutMs: tool.askTimeoutMs) { return fail(refusal) }
        let child: ChildProcess
        do {
            child = try ChildProcess(
                argv: tool.argv(for: input.objectValue ?? JSONObject()),
                workingDirectory: tool.workingDirectory,
                input: ""
            )
        } catch {
            return fail(error.message)
        }
        let outcome = await withTaskCancellationHandler {
            await collect(child, tool: tool)
        } onCancel: {
            child.stop(grace: .milliseconds(200))
        }
        try checkCancellation()
        switch outcome {
        case .timedOut:
            return fail("timed out after \(tool.timeoutMs) ms")
        case .exited(let status, _) where status != 0:
            let tail = child.stderrText.split(separator: "\n").last.map(String.init) ?? ""
            return fail("exited with status \(status)\(tail.isEmpty ? "" : ": \(tail)")")
        case .exited(_, let output):
            var completed = event
            completed.status = .completed
            completed.output = output
            completed.durationMs = AgentRuntime.milliseconds(clock.now - started)
            context.emitTool(completed)
            return output
        }
    }

    enum Outcome {
        case exited(Int32, String)
        case timedOut
    }

    /// Reads the program's output (keeping `maxOutputBytes`) until it exits or its time is up.
    private func collect(_ child: ChildProcess, tool: ToolDefinition) async -> Outcome {
        await withTaskGroup(of: Outcome?.self) { group in
            group.addTask {
                var bytes: [UInt8] = []
                var cut = false
                for await chunk in child.stdout {
                    let room = tool.maxOutputBytes - bytes.count
                    if chunk.count > room { cut = true }
                    bytes.append(contentsOf: chunk.prefix(max(0, room)))
                }
                let status = await child.wait()
                var text = String(decoding: bytes, as: UTF8.self)
                if cut { text += "\n[output cut at \(tool.maxOutputBytes) bytes]" }
                return .exited(status, text)
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(tool.timeoutMs))
                return Task.isCancelled ? nil : .timedOut
            }
            let first = await group.next() ?? nil
            if case .timedOut? = first { child.stop(grace: .milliseconds(200)) }
            group.cancelAll()
            return first ?? .timedOut
        }
    }
}
