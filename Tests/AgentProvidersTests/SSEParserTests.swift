import AgentCore
import AgentProviders
import Testing

@Suite struct SSEParserTests {
    static let stream =
        ": ping - 2024-01-01\n\ndata: {\"a\":1}\n\nevent: message\ndata: one\ndata: two\n\ndata:[DONE]\n\n"

    @Test func eventsSurviveAnyChunkBoundary() {
        let bytes = Array(Self.stream.utf8)
        for cut in 0...bytes.count {
            var parser = SSEParser()
            let events = parser.feed(bytes[..<cut]) + parser.feed(bytes[cut...]) + parser.finish()
            #expect(events == ["{\"a\":1}", "one\ntwo", "[DONE]"], "cut at \(cut)")
        }
    }

    @Test func byteByByteWithCRLFAndCR() {
        for ending in ["\r\n", "\r"] {
            let text = Self.stream.replacingOccurrences(of: "\n", with: ending)
            var parser = SSEParser()
            var events: [String] = []
            for byte in text.utf8 { events += parser.feed([byte]) }
            events += parser.finish()
            #expect(events == ["{\"a\":1}", "one\ntwo", "[DONE]"], "ending \(ending.debugDescription)")
        }
    }

    @Test func commentsAndOtherFieldsAreSkipped() {
        var parser = SSEParser()
        let events = parser.feed(Array(": keep-alive\nid: 7\nretry: 100\n\n: ping\n\ndata: x\n\n".utf8))
        #expect(events == ["x"])
    }

    @Test func anEventCutShortIsStillDeliveredAtTheEnd() {
        var parser = SSEParser()
        #expect(parser.feed(Array("data: partial".utf8)).isEmpty)
        #expect(parser.finish() == ["partial"])
    }
}

@Suite struct ChatStreamDecoderTests {
    @Test func repeatedToolCallIdsAndNamesAreNotJoined() throws {
        // llama.cpp repeats id, type and name on every piece, with explicit nulls and a legacy function_call.
        var decoder = ChatStreamDecoder()
        for fragment in ["{ \\\"city\\\"", ": \\\"Par", "is\\\" }"] {
            _ = try decoder.decode(
                #"{"choices":[{"index":0,"delta":{"content":null,"function_call":null,"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"\#(fragment)"}}]},"finish_reason":null}]}"#
            )
        }
        _ = try decoder.decode(#"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#)
        _ = try decoder.decode("[DONE]")
        #expect(decoder.toolCalls == [ToolCall(id: "call_1", name: "get_weather", arguments: #"{ "city": "Paris" }"#)])
        #expect(decoder.finishReason == "tool_calls")
        #expect(decoder.done)
    }

    @Test func openAIStyleToolCallsArriveOnceThenArgumentsOnly() throws {
        var decoder = ChatStreamDecoder()
        _ = try decoder.decode(
            #"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"a","type":"function","function":{"name":"f","arguments":""}},{"index":1,"id":"b","type":"function","function":{"name":"g","arguments":"{}"}}]}}]}"#
        )
        _ = try decoder.decode(
            #"{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"x\":"}}]}}]}"#
        )
        _ = try decoder.decode(#"{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]}}]}"#)
        #expect(
            decoder.toolCalls == [
                ToolCall(id: "a", name: "f", arguments: #"{"x":1}"#), ToolCall(id: "b", name: "g", arguments: "{}"),
            ]
        )
    }

    @Test func contentReasoningAndUsage() throws {
        var decoder = ChatStreamDecoder()
        #expect(try decoder.decode(#"{"choices":[{"delta":{"reasoning_content":"hmm"}}]}"#).reasoning == "hmm")
        #expect(try decoder.decode(#"{"choices":[{"delta":{"content":"Hel"}}]}"#).content == "Hel")
        _ = try decoder.decode(#"{"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2}}"#)
        #expect(decoder.usage == Usage(inputTokens: 9, outputTokens: 2, reported: true))
        // Cached and reasoning tokens, where the server breaks them out.
        _ = try decoder.decode(
            #"{"choices":[],"usage":{"prompt_tokens":90,"completion_tokens":20,"prompt_tokens_details":{"cached_tokens":64},"completion_tokens_details":{"reasoning_tokens":12}}}"#
        )
        #expect(
            decoder.usage
                == Usage(inputTokens: 90, outputTokens: 20, cachedInputTokens: 64, reasoningTokens: 12, reported: true)
        )
        #expect(decoder.contentPieces == 1)
    }

    @Test func aUsageChunkWithoutPromptTokensLeavesTheInputUnknown() throws {
        var decoder = ChatStreamDecoder()
        _ = try decoder.decode(#"{"choices":[{"delta":{"content":"Hel"}}]}"#)
        _ = try decoder.decode(#"{"choices":[{"delta":{"content":"lo"}}]}"#)
        _ = try decoder.decode(#"{"choices":[],"usage":{"total_tokens":7}}"#)
        #expect(decoder.usage == Usage(outputTokens: 2, reported: true))
        #expect(decoder.usage?.inputTokens == nil)
    }

    @Test func anErrorObjectOrGarbageIsAProviderError() {
        var decoder = ChatStreamDecoder()
        #expect(throws: ProviderError.self) { try decoder.decode(#"{"error":{"message":"model crashed"}}"#) }
        #expect(throws: ProviderError.self) { try decoder.decode("not json") }
    }
}
