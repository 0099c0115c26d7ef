import Foundation

/// Builds the bytes of chat-completion streams the way OpenAI-compatible servers send them.
public enum StreamScript {
    /// The head of a `200 OK` event stream that ends when the connection closes.
    public static let eventStreamHead =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n"

    /// A complete HTTP response with a status and a body.
    public static func response(status: Int, reason: String, body: String) -> String {
        "HTTP/1.1 \(status) \(reason)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
    }

    /// `data: {…}\n\n` for a chunk carrying one piece of content.
    public static func content(_ text: String) -> String {
        event(
            #"{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":\#(quoted(text))},"finish_reason":null}]}"#
        )
    }

    /// The first chunk (role only), as llama.cpp and OpenAI send it.
    public static let roleChunk = event(
        #"{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}]}"#
    )

    /// The last chunk: an empty delta and a finish reason.
    public static func finish(_ reason: String = "stop") -> String {
        event(#"{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"\#(reason)"}]}"#)
    }

    /// A usage chunk (`stream_options.include_usage`).
    public static func usage(prompt: Int, completion: Int) -> String {
        event(
            #"{"object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":\#(prompt),"completion_tokens":\#(completion),"total_tokens":\#(prompt + completion)}}"#
        )
    }

    /// A tool-call piece; llama.cpp repeats `id` and `name` on every piece.
    public static func toolCall(index: Int = 0, id: String?, name: String?, arguments: String) -> String {
        var function = #""arguments":\#(quoted(arguments))"#
        if let name { function = #""name":\#(quoted(name)),"# + function }
        let idPart = id.map { #""id":\#(quoted($0)),"type":"function","# } ?? ""
        return event(
            #"{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":null,"tool_calls":[{"index":\#(index),\#(idPart)"function":{\#(function)}}]},"finish_reason":null}]}"#
        )
    }

    public static let done = "data: [DONE]\n\n"

    public static func event(_ json: String) -> String { "data: \(json)\n\n" }

    /// A whole reply streamed one piece per chunk, with `[DONE]`.
    public static func reply(_ pieces: [String]) -> String {
        roleChunk + pieces.map(content).joined() + finish() + done
    }

    /// A JSON string literal.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let s where s.value < 0x20: out += String(format: "\\u%04x", s.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
