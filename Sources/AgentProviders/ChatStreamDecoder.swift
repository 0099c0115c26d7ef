import AgentCore
import JSONCore

/// A tool call the model asked for, put together from its streamed pieces.
public struct ToolCall: Sendable, Equatable {
    public var id: String
    public var name: String
    /// The arguments as the model wrote them (JSON text).
    public var arguments: String

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// Reads the `data` of chat-completion stream chunks: text, reasoning, tool-call pieces, the finish
/// reason and usage.
///
/// Tool-call pieces are collected by `index`. Some servers (llama.cpp) repeat the id and the name on
/// every piece: the first id and name are kept and only the arguments are joined.
public struct ChatStreamDecoder: Sendable {
    /// `[DONE]` was seen.
    public private(set) var done = false
    public private(set) var finishReason: String?
    /// Usage, when the server sent it.
    public private(set) var usage: Usage?
    /// Content pieces seen (the completion tokens, when the server sends no usage).
    public private(set) var contentPieces = 0
    private var calls: [(index: Int, call: ToolCall)] = []

    /// What one chunk carried for the caller to stream.
    public struct Piece: Sendable, Equatable {
        public var content: String?
        public var reasoning: String?
    }

    public init() {}

    /// The tool calls collected so far, in index order.
    public var toolCalls: [ToolCall] {
        calls.sorted { $0.index < $1.index }.map(\.call)
    }

    /// Decodes one event's data.
    public mutating func decode(_ data: String) throws(ProviderError) -> Piece {
        if data.trimmingWhitespace() == "[DONE]" {
            done = true
            return Piece()
        }
        let chunk: JSONValue
        do {
            chunk = try JSONValue.parse(data)
        } catch {
            throw ProviderError(
                "The server sent an event that is not JSON: \(data.prefix(200))",
                details: ["event": .string(String(data.prefix(1000)))]
            )
        }
        if let error = chunk["error"], !error.isNull {
            let message = error["message"]?.stringValue ?? error.jsonString
            throw ProviderError("The server reported an error mid-stream: \(message)", retryable: true)
        }
        if case .object(let counts)? = chunk["usage"] {
            func count(_ value: JSONValue?) -> Int? { value?.integerValue.map { Int(max($0, 0)) } }
            // What the server leaves out stays unknown: no input count (so no cost), the output counted here.
            usage = Usage(
                inputTokens: count(counts["prompt_tokens"]),
                outputTokens: count(counts["completion_tokens"]) ?? contentPieces,
                cachedInputTokens: count(counts["prompt_tokens_details"]?["cached_tokens"]),
                reasoningTokens: count(counts["completion_tokens_details"]?["reasoning_tokens"]),
                reported: true
            )
        }
        guard let choice = chunk["choices"]?.arrayValue?.first else { return Piece() }
        if let reason = choice["finish_reason"]?.stringValue { finishReason = reason }
        var piece = Piece()
        guard let delta = choice["delta"] else { return piece }
        if let content = delta["content"]?.stringValue, !content.isEmpty {
            piece.content = content
            contentPieces += 1
        }
        if let reasoning = (delta["reasoning_content"] ?? delta["reasoning"])?.stringValue, !reasoning.isEmpty {
            piece.reasoning = reasoning
        }
        for call in delta["tool_calls"]?.arrayValue ?? [] { addToolCallPiece(call) }
        return piece
    }

    private mutating func addToolCallPiece(_ piece: JSONValue) {
        let id = piece["id"]?.stringValue
        let index: Int
        if let given = piece["index"]?.integerValue {
            index = Int(given)
        } else if let id, let known = calls.first(where: { $0.call.id == id }) {
            index = known.index
        } else if id != nil || calls.isEmpty {
            index = (calls.map(\.index).max() ?? -1) + 1
        } else {
            index = calls.last!.index
        }
        var slot = calls.firstIndex { $0.index == index }
        if slot == nil {
            calls.append((index, ToolCall(id: "", name: "", arguments: "")))
            slot = calls.count - 1
        }
        if let id, !id.isEmpty, calls[slot!].call.id.isEmpty { calls[slot!].call.id = id }
        if let name = piece["function"]?["name"]?.stringValue, !name.isEmpty, calls[slot!].call.name.isEmpty {
            calls[slot!].call.name = name
        }
        if let arguments = piece["function"]?["arguments"]?.stringValue {
            calls[slot!].call.arguments += arguments
        }
    }
}

extension String {
    func trimmingWhitespace() -> Substring {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }
}
