import AgentCore
import AsyncHTTPClient
import Foundation
import JSONCore
import NIOCore

/// Streams replies from a server speaking the OpenAI chat-completions API (llama.cpp's server, Ollama,
/// vLLM, OpenAI), running the tools the model calls in between.
///
/// - Tokens (`delta.content`) become `run/token`; reasoning (`reasoning_content`) becomes `run/thinking`.
/// - A stream must end with `data: [DONE]`; one that stops short is a failure.
/// - A server that cannot be reached is tried again with backoff, unless tokens have already streamed.
public struct OpenAIProvider: Provider {
    public var settings: OpenAISettings
    let environment: [String: String]

    public init(settings: OpenAISettings, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.settings = settings
        self.environment = environment
    }

    var endpoint: String {
        (settings.baseURL.hasSuffix("/") ? String(settings.baseURL.dropLast()) : settings.baseURL) + "/chat/completions"
    }

    public func stream(_ request: ProviderRequest, context: StepContext) async throws {
        try await context.checkpoint()
        var chat = ChatRequest(settings: settings, request: request)
        var runner = ToolRunner(tools: settings.tools)
        if !context.run.mcp.isEmpty(enabled: settings.mcpServers) {
            // Servers that cannot start now offer nothing this time (the hub logs why, and a call to one
            // of their tools is answered with it); the run goes on.
            (runner.mcpTools, runner.unavailable) = await context.run.mcp.tools(enabled: settings.mcpServers)
            chat.mcpTools = runner.mcpTools.map(\.tool)
            try await context.checkpoint()
        }
        var toolChoice = settings.toolChoice
        for turn in 1...settings.maxTurns {
            // The step's first request was counted when it started; each tool round trip is one more.
            if turn > 1 { try context.startModelCall(model: settings.model) }
            let reply = try await complete(chat, toolChoice: toolChoice, context: context)
            guard !reply.toolCalls.isEmpty, !runner.isEmpty else { return }
            guard turn < settings.maxTurns else {
                throw ProviderError(
                    "The model still asked for tools after \(settings.maxTurns) turns",
                    suggestions: ["Raise maxTurns in the agent's provider config."]
                )
            }
            let calls = reply.toolCalls.enumerated().map { index, call in
                var call = call
                if call.id.isEmpty { call.id = "call_\(turn)_\(index)" }
                return call
            }
            chat.appendToolCalls(calls, content: reply.content)
            for call in calls {
                let result = try await runner.run(call, context: context)
                chat.appendToolResult(callId: call.id, name: call.name, content: result)
            }
            // A tool forced on the first turn would be forced forever; afterwards the model chooses.
            if let choice = toolChoice, choice != "none", choice != "auto" { toolChoice = "auto" }
        }
    }

    struct Reply {
        var content = ""
        var toolCalls: [ToolCall] = []
    }

    /// One model request: streams its tokens, returns its text and tool calls.
    func complete(_ chat: ChatRequest, toolChoice: String?, context: StepContext) async throws -> Reply {
        var http = HTTPClientRequest(url: endpoint)
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/json")
        http.headers.add(name: "Accept", value: "text/event-stream")
        if let variable = settings.apiKeyEnv {
            guard let key = environment[variable], !key.isEmpty else {
                throw ProviderError(
                    "The environment variable \(variable) (apiKeyEnv) is not set",
                    suggestions: ["Export \(variable) with the API key before starting agentwire."]
                )
            }
            http.headers.add(name: "Authorization", value: "Bearer \(key)")
        }
        for header in settings.headers { http.headers.replaceOrAdd(name: header.name, value: header.value) }
        // The model server's own spans (if it traces) join the run's trace under this call's span.
        for header in context.traceContext?.headers ?? [] {
            http.headers.replaceOrAdd(name: header.name, value: header.value)
        }
        let body = chat.body(toolChoice: toolChoice)
        let client = HTTPClients.client(timeoutSeconds: settings.timeoutSeconds)
        let response = try await connect(client: client, request: http, body: body, context: context)
        guard response.status == .ok else {
            let key = settings.apiKeyEnv.flatMap { environment[$0] }
            throw await httpError(response, secrets: settings.headers.map(\.value) + (key.map { [$0] } ?? []))
        }
        return try await read(response, context: context)
    }

    /// Sends the request; failures to reach the server are retried with backoff while the step has
    /// streamed nothing.
    private func connect(
        client: HTTPClient,
        request: HTTPClientRequest,
        body: [UInt8],
        context: StepContext
    ) async throws -> HTTPClientResponse {
        var attempt = 0
        while true {
            var request = request
            request.body = .bytes(ByteBuffer(bytes: body))
            do {
                return try await client.execute(request, deadline: .distantFuture)
            } catch {
                try Task.checkCancellation()
                let failure = unreachable(error)
                guard attempt < settings.retries, context.tokens == 0 else { throw failure }
                attempt += 1
                try await Task.sleep(for: .milliseconds(250 * (1 << (attempt - 1))))
            }
        }
    }

    private func read(_ response: HTTPClientResponse, context: StepContext) async throws -> Reply {
        var parser = SSEParser()
        var decoder = ChatStreamDecoder()
        var reply = Reply()
        var tokens: [String] = []
        func handle(_ events: [String]) throws {
            for event in events where !decoder.done {
                let piece = try decoder.decode(event)
                if let reasoning = piece.reasoning { context.emitThinking(reasoning) }
                if let content = piece.content {
                    reply.content += content
                    tokens.append(content)
                }
            }
        }
        do {
            for try await buffer in response.body {
                try handle(parser.feed(buffer.readableBytesView))
                if !tokens.isEmpty {
                    if tokens.count == 1 { context.emitToken(tokens[0]) } else { context.emitTokens(tokens) }
                    tokens.removeAll(keepingCapacity: true)
                }
                if decoder.done { break }
                try await context.checkpoint()
            }
            if !decoder.done { try handle(parser.finish()) }
        } catch let error as ProviderError {
            throw error
        } catch {
            try Task.checkCancellation()
            if let http = error as? HTTPClientError, http == .readTimeout {
                throw ProviderError(
                    "No data from \(endpoint) for \(settings.timeoutSeconds) s while the reply streamed",
                    retryable: true,
                    suggestions: ["Raise timeoutSeconds in the agent's provider config.", "Check the server's load."]
                )
            }
            throw ProviderError(
                "The stream from \(endpoint) broke off: \(error)",
                retryable: true,
                suggestions: ["Check the server's log; it may have crashed or restarted."]
            )
        }
        if !tokens.isEmpty { context.emitTokens(tokens) }
        guard decoder.done else {
            throw ProviderError(
                "The stream from \(endpoint) ended without [DONE]: the reply may be cut short",
                retryable: true,
                suggestions: ["Check the server's log for an error during generation."],
                details: ["finishReason": .string(decoder.finishReason ?? "none")]
            )
        }
        var usage = decoder.usage ?? Usage(outputTokens: decoder.contentPieces, reported: false)
        usage.model = settings.model
        context.reportUsage(usage)
        reply.toolCalls = decoder.toolCalls.filter { !$0.name.isEmpty }
        return reply
    }

    private func unreachable(_ error: any Error) -> ProviderError {
        let timedOut = (error as? HTTPClientError).map { $0 == .connectTimeout || $0 == .readTimeout } ?? false
        return ProviderError(
            timedOut
                ? "No answer from \(endpoint) within \(settings.timeoutSeconds) s"
                : "Cannot reach \(endpoint): \(error)",
            retryable: true,
            suggestions: [
                "Is the server running at \(settings.baseURL)?",
                "Check baseURL in the agent's provider config.",
            ],
            details: ["url": .string(endpoint), "attempts": .int(settings.retries + 1)]
        )
    }

    /// The server's answer as a provider failure. Servers may echo the credentials they were sent (a
    /// rejected key, say): the key and the configured header values are masked, with anything that looks
    /// like a secret.
    private func httpError(_ response: HTTPClientResponse, secrets: [String]) async -> ProviderError {
        var text = ""
        if let body = try? await response.body.collect(upTo: 64 * 1024) {
            text = Redactor(maxLength: 64 * 1024, secrets: secrets).redact(String(buffer: body))
        }
        let status = Int(response.status.code)
        let detail = text.trimmingWhitespace().prefix(500)
        var suggestions: [String] = []
        switch status {
        case 401, 403: suggestions = ["Check the API key (apiKeyEnv) and the headers."]
        case 404: suggestions = ["Check baseURL (it usually ends in /v1) and the model name."]
        case 429: suggestions = ["The server is rate limiting: retry later."]
        default: suggestions = ["Check the server's log and the agent's provider config."]
        }
        return ProviderError(
            "HTTP \(status) from \(endpoint)\(detail.isEmpty ? "" : ": \(detail)")",
            retryable: status == 429 || status >= 500,
            suggestions: suggestions,
            details: ["status": .int(status), "body": .string(String(text.prefix(2000)))]
        )
    }
}
