import AgentCore
import JSONCore
import JSONRPC
import Testing

@testable import AgentService

// The ACP face: sessions, prompts streamed as session/update, cancel, load, list, close, config options.

@Suite struct ACPAgentTests {
    @Test func aPromptStreamsItsOutputInOrderBeforeTheReply() async throws {
        let client = try await TestClient.acp()
        let sessionId = try await client.acpNewSession()
        let words = String.numberedWords(3000)
        let start = client.messages.count
        let reply = try await client.response(to: client.acpPrompt(sessionId, words))
        #expect(reply.message["result", "stopReason"] == "end_turn", "\(reply.message.jsonString)")
        let updates = client.acpUpdates(sessionId, from: start, to: reply.index)
        let chunks = updates.kind("agent_message_chunk")
        #expect(chunks.chunkText == words)
        // Coalesced: far fewer updates than the 3000 tokens, none larger than a few KiB.
        #expect(chunks.count < 3000)
        #expect(chunks.allSatisfy { ($0["content", "text"]?.stringValue?.utf8.count ?? 0) <= 4096 })
        // The context: 3000 words in, 3000 tokens out, of echo's default window.
        #expect(updates.kind("usage_update") == [["sessionUpdate": "usage_update", "used": 6000, "size": 8192]])
        #expect(reply.message["result", "_meta", "agentwire", "usage", "outputTokens"] == 3000)
        // Nothing of this turn arrives after the reply.
        #expect(client.acpUpdates(sessionId, from: reply.index).isEmpty)
    }

    @Test func reasoningIsAThoughtChunk() async throws {
        let client = try await TestClient.acp()
        let sessionId = try await client.acpNewSession()
        try await client.acpSetTarget(sessionId, "echo-thinking")
        let start = client.messages.count
        let reply = try await client.response(to: client.acpPrompt(sessionId, "a b c"))
        let updates = client.acpUpdates(sessionId, from: start, to: reply.index)
        #expect(updates.kind("agent_thought_chunk").count == 1)
        #expect(updates.kind("agent_message_chunk").chunkText == "a b c")
    }

    @Test func aWorkflowShowsItsPlanAndItsStepsAsToolCalls() async throws {
        let client = try await TestClient.acp()
        let sessionId = try await client.acpNewSession()
        try await client.acpSetTarget(sessionId, "workflow:fanout")
        let start = client.messages.count
        let reply = try await client.response(to: client.acpPrompt(sessionId, "ship it"))
        #expect(reply.message["result", "stopReason"] == "end_turn", "\(reply.message.jsonString)")
        let updates = client.acpUpdates(sessionId, from: start, to: reply.index)

        // Every plan is the whole list so far; the last has both steps, completed.
        let plans = updates.kind("plan")
        let last = try #require(plans.last?["entries"]?.arrayValue)
        #expect(last.count == 2)
        #expect(last.allSatisfy { $0["status"] == "completed" && $0["priority"] == "medium" })
        let sizes = plans.map { $0["entries"]?.arrayValue?.count ?? 0 }
        #expect(sizes == sizes.sorted())

        let calls = updates.kind("tool_call")
        #expect(calls.count == 2)
        #expect(calls.allSatisfy { $0["kind"] == "think" && $0["status"] == "in_progress" })
        #expect(Set(calls.compactMap { $0["rawInput", "agent"]?.stringValue }) == ["echo", "echo-thinking"])
        let ends = updates.kind("tool_call_update")
        #expect(
            Set(ends.compactMap { $0["toolCallId"]?.stringValue })
                == Set(calls.compactMap { $0["toolCallId"]?.stringValue })
        )
        #expect(ends.allSatisfy { $0["status"] == "completed" })
        #expect(
            Set(ends.compactMap { $0["content"]?.arrayValue?.first?["content", "text"]?.stringValue }) == [
                "ship it"
            ]
        )
        // Each update for a call comes after its start.
        for end in ends {
            let startIndex = updates.firstIndex {
                $0["sessionUpdate"] == "tool_call" && $0["toolCallId"] == end["toolCallId"]
            }
            let endIndex = updates.firstIndex { $0 == end }
            #expect(startIndex != nil && endIndex != nil && startIndex! < endIndex!)
        }
        // Reasoning of a step, and the workflow's output as the message.
        #expect(updates.kind("agent_thought_chunk").count == 1)
        #expect(updates.kind("agent_message_chunk").chunkText == "1. ship it\n2. ship it")
        // Only standard kinds.
        let known: Set<String> = [
            "agent_message_chunk", "agent_thought_chunk", "plan", "tool_call", "tool_call_update", "usage_update",
            "session_info_update",
        ]
        #expect(updates.allSatisfy { known.contains($0["sessionUpdate"]?.stringValue ?? "") })
    }

    @Test func cancelAnswersCancelledNotAnError() async throws {
        let client = try await TestClient.acp()
        let sessionId = try await client.acpNewSession()
        try await client.acpSetTarget(sessionId, "echo-slow")
        let start = client.messages.count
        let id = client.acpPrompt(sessionId, String.numberedWords(200))
        _ = try await client.waitFor(from: start) { $0["params", "update", "sessionUpdate"] == "agent_message_chunk" }
        client.notify("session/cancel", ["sessionId": .string(sessionId)])
        let reply = try await client.response(to: id)
        #expect(reply.message["result", "stopReason"] == "cancelled", "\(reply.message.jsonString)")
        let text = client.acpUpdates(sessionId, from: start, to: reply.index).kind("agent_message_chunk").chunkText
        #expect(
            !text.isEmpty && String.numberedWords(200).hasPrefix(text) && text.count < String.numberedWords(200).count
        )
        // The session takes the next prompt.
        try await client.acpSetTarget(sessionId, "echo")
        let next = try await client.response(to: client.acpPrompt(sessionId, "again"))
        #expect(next.message["result", "stopReason"] == "end_turn")
    }

    @Test func aSecondPromptWhileOneRunsIsRefused() async throws {
        let client = try await TestClient.acp()
        let sessionId = try await client.acpNewSession()
        try await client.acpSetTarget(sessionId, "echo-slow")
        let first = client.acpPrompt(sessionId, String.numberedWords(40))
        let second = try await client.response(to: client.acpPrompt(sessionId, "me too"))
        #expect(second.message["error", "code"] == -32004)
        client.notify("session/cancel", ["sessionId": .string(sessionId)])
        #expect(try await client.response(to: first).message["result", "stopReason"] == "cancelled")
    }

    @Test func loadReplaysTheHistoryBeforeAnswering() async throws {
        let store = MemoryRunStore()
        let first = try await TestClient.acp(store: store)
        let sessionId = try await first.acpNewSession()
        _ = try await first.response(to: first.acpPrompt(sessionId, "one two"))
        _ = try await first.response(to: first.acpPrompt(sessionId, "three"))

        let second = try await TestClient.acp(store: store)
        let start = second.messages.count
        let reply = try await second.response(
            to: second.sendRequest("session/load", ["sessionId": .string(sessionId), "cwd": "/work", "mcpServers": []])
        )
        #expect(reply.message["result", "configOptions"] != nil, "\(reply.message.jsonString)")
        let replay = second.acpUpdates(sessionId, from: start, to: reply.index)
        #expect(
            replay.compactMap { $0["sessionUpdate"]?.stringValue } == [
                "user_message_chunk", "agent_message_chunk", "user_message_chunk", "agent_message_chunk",
            ]
        )
        #expect(replay.compactMap { $0["content", "text"]?.stringValue } == ["one two", "one two", "three", "three"])

        let missing = try await second.request(
            "session/load",
            ["sessionId": "ses_nope", "cwd": "/w", "mcpServers": []]
        )
        #expect(missing["error", "code"] == -32002)
    }

    @Test func listAndCloseSessions() async throws {
        let client = try await TestClient.acp()
        let a = try await client.acpNewSession(cwd: "/a")
        let b = try await client.acpNewSession(cwd: "/b")
        _ = try await client.response(to: client.acpPrompt(a, "first line\nsecond"))
        let all = try await client.request("session/list", [:])
        let ids = all["result", "sessions"]?.arrayValue?.compactMap { $0["sessionId"]?.stringValue }
        #expect(ids == [a, b], "most recently active first: \(all.jsonString)")
        #expect(all["result", "sessions"]?.arrayValue?.first?["title"] == "first line")
        let onlyB = try await client.request("session/list", ["cwd": "/b"])
        #expect(onlyB["result", "sessions"]?.arrayValue?.count == 1)
        let closed = try await client.request("session/close", ["sessionId": .string(b)])
        #expect(closed["result"] == .object([:]))
        let after = try await client.request("session/list", ["cwd": "/b"])
        #expect(after["result", "sessions"] == [])
        let again = try await client.request("session/close", ["sessionId": .string(b)])
        #expect(again["error", "code"] == -32002)
    }

    @Test func configOptionsListAgentsAndWorkflows() async throws {
        let client = try await TestClient.acp()
        let reply = try await client.request("session/new", ["cwd": "/w", "mcpServers": []])
        let option = try #require(reply["result", "configOptions"]?.arrayValue?.first)
        #expect(option["id"] == "agent" && option["type"] == "select" && option["currentValue"] == "echo")
        let values = option["options"]?.arrayValue?.flatMap { $0["options"]?.arrayValue ?? [] }
            .compactMap { $0["value"]?.stringValue }
        #expect(values?.contains("echo-slow") == true && values?.contains("workflow:pipeline") == true)
        let sessionId = try #require(reply["result", "sessionId"]?.stringValue)
        let bad = try await client.request(
            "session/set_config_option",
            ["sessionId": .string(sessionId), "configId": "agent", "value": "nobody"]
        )
        #expect(bad["error", "code"] == -32602)
        let badId = try await client.request(
            "session/set_config_option",
            ["sessionId": .string(sessionId), "configId": "mode", "value": "echo"]
        )
        #expect(badId["error", "code"] == -32602)
    }

    @Test func resourceLinksAndTextResourcesBecomePartOfTheInput() async throws {
        let client = try await TestClient.acp()
        let sessionId = try await client.acpNewSession()
        let start = client.messages.count
        let id = client.sendRequest(
            "session/prompt",
            [
                "sessionId": .string(sessionId),
                "prompt": [
                    ["type": "text", "text": "Look at"],
                    ["type": "resource_link", "uri": "file:///a/b.swift", "name": "b.swift"],
                    ["type": "resource", "resource": ["uri": "file:///c.txt", "text": "hello"]],
                ],
            ]
        )
        let reply = try await client.response(to: id)
        let echoed = client.acpUpdates(sessionId, from: start, to: reply.index).kind("agent_message_chunk").chunkText
        #expect(echoed == "Look at\n[b.swift](file:///a/b.swift)\n```file:///c.txt\nhello\n```")
    }

    /// `embeddedContext` covers binary resources too: the agent gets a line naming the resource, its
    /// type and its decoded size, not the bytes.
    @Test func blobResourcesBecomeAReferenceWithTheirSize() async throws {
        let client = try await TestClient.acp()
        let sessionId = try await client.acpNewSession()
        let start = client.messages.count
        let reply = try await client.response(
            to: client.sendRequest(
                "session/prompt",
                [
                    "sessionId": .string(sessionId),
                    "prompt": [
                        ["type": "text", "text": "What is in"],
                        [
                            "type": "resource",
                            "resource": ["uri": "file:///logo.png", "mimeType": "image/png", "blob": "iVBORw0KGgo="],
                        ],
                        ["type": "resource", "resource": ["uri": "file:///one.bin", "blob": "AA"]],
                    ],
                ]
            )
        )
        #expect(reply.message["result", "stopReason"] == "end_turn", "\(reply.message.jsonString)")
        let echoed = client.acpUpdates(sessionId, from: start, to: reply.index).kind("agent_message_chunk").chunkText
        #expect(
            echoed == "What is in\n[binary resource file:///logo.png (image/png, 8 bytes), contents not shown]\n"
                + "[binary resource file:///one.bin (1 byte), contents not shown]"
        )

        let bad = try await client.request(
            "session/prompt",
            [
                "sessionId": .string(sessionId),
                "prompt": [["type": "resource", "resource": ["uri": "file:///x", "blob": "not base64!"]]],
            ]
        )
        #expect(bad["error", "code"] == -32602)
        #expect(bad["error", "data", "field"] == "params.prompt[0].resource.blob")
    }

    @Test(arguments: [
        ("", 0), ("AA", 1), ("AA==", 1), ("AAA", 2), ("AAA=", 2), ("AAAA", 3), ("iVBORw0KGgo=", 8), ("+/+/", 3),
    ])
    func base64SizeIsCountedWithoutDecoding(text: String, size: Int) {
        #expect(ACPAgent.base64DecodedSize(text) == size)
    }

    @Test(arguments: ["A", "A===", "AA=", "AAAA====", "AA=A", "AA AA", "AA\nAA", "a-b_"])
    func textThatIsNotBase64HasNoSize(text: String) {
        #expect(ACPAgent.base64DecodedSize(text) == nil)
    }

    @Test func unknownExtensionRequestsAreMethodNotFoundAndNotificationsIgnored() async throws {
        let client = try await TestClient.acp()
        client.notify("_example.com/hello", ["x": 1])
        let start = client.messages.count
        let reply = try await client.request("_example.com/do", [:])
        #expect(reply["error", "code"] == -32601)
        #expect(client.messages.count == start + 1, "the notification got no reply")
    }

    @Test func anImagePromptIsRefusedWithTheField() async throws {
        let client = try await TestClient.acp()
        let sessionId = try await client.acpNewSession()
        let reply = try await client.request(
            "session/prompt",
            ["sessionId": .string(sessionId), "prompt": [["type": "image", "data": "AAAA", "mimeType": "image/png"]]]
        )
        #expect(reply["error", "code"] == -32602)
        #expect(reply["error", "data", "field"] == "params.prompt[0].type")
    }
}
