import AgentCore
import JSONCore

/// The body of a chat-completions request.
struct ChatRequest {
    let settings: OpenAISettings
    var messages: [JSONValue]
    /// Tools of MCP servers offered beside the command tools.
    var mcpTools: [MCPServerTool] = []
    /// The JSON Schema the reply must match (`response_format`), when the call produces a run's
    /// structured output.
    let outputSchema: JSONValue?

    init(settings: OpenAISettings, request: ProviderRequest) {
        self.settings = settings
        self.outputSchema = request.outputSchema
        var messages: [JSONValue] = []
        if !request.systemPrompt.isEmpty {
            messages.append(["role": "system", "content": .string(request.systemPrompt)])
        }
        for turn in request.history {
            messages.append(["role": "user", "content": .string(turn.input)])
            messages.append(["role": "assistant", "content": .string(turn.output)])
        }
        messages.append(["role": "user", "content": .string(request.input)])
        self.messages = messages
    }

    /// Adds the assistant turn that asked for tools. Its content is `""` even when the model wrote
    /// nothing: llama.cpp's server answers HTTP 500 to a null or missing content.
    mutating func appendToolCalls(_ calls: [ToolCall], content: String) {
        let encoded: [JSONValue] = calls.map { call in
            [
                "id": .string(call.id),
                "type": "function",
                "function": ["name": .string(call.name), "arguments": .string(call.arguments)],
            ]
        }
        messages.append(["role": "assistant", "content": .string(content), "tool_calls": .array(encoded)])
    }

    mutating func appendToolResult(callId: String, name: String, content: String) {
        messages.append([
            "role": "tool", "tool_call_id": .string(callId), "name": .string(name), "content": .string(content),
        ])
    }

    /// The JSON body; `toolChoice` is this turn's (a forced tool is forced on the first turn only).
    func body(toolChoice: String?) -> [UInt8] {
        var object: JSONObject = [
            "model": .string(settings.model),
            "messages": .array(messages),
            "stream": true,
            "stream_options": ["include_usage": true],
        ]
        if let temperature = settings.temperature { object["temperature"] = .double(temperature) }
        if let maxTokens = settings.maxTokens { object["max_tokens"] = .int(maxTokens) }
        if let outputSchema {
            object["response_format"] = [
                "type": "json_schema",
                "json_schema": ["name": "output", "schema": outputSchema, "strict": true],
            ]
        }
        let functions: [JSONValue] =
            settings.tools.map { Self.function($0.name, $0.description, $0.parameters) }
            + mcpTools.map { Self.function($0.exposedName, $0.description, $0.inputSchema) }
        if !functions.isEmpty {
            object["tools"] = .array(functions)
            switch toolChoice {
            case nil: break
            case let choice? where ["auto", "required", "none"].contains(choice):
                object["tool_choice"] = .string(choice)
            case let name?:
                object["tool_choice"] = ["type": "function", "function": ["name": .string(name)]]
            }
        }
        return JSONValue.object(object).encoded()
    }

    private static func function(_ name: String, _ description: String, _ parameters: JSONValue) -> JSONValue {
        [
            "type": "function",
            "function": ["name": .string(name), "description": .string(description), "parameters": parameters],
        ]
    }
}
