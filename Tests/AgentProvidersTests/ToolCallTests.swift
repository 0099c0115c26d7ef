import AgentCore
import AgentProviders
import FakeModelServer
import Foundation
import JSONCore
import Testing

/// A model that first calls `weather` (llama.cpp style: id and name repeated on every piece), then
/// answers with text once it has the tool's result.
func toolCallingServer(arguments: [String] = ["{ \"city\"", ": \"Paris\" }"]) async throws -> FakeModelServer {
    try await FakeModelServer.start { request in
        if request.bodyText.contains(#""role":"tool""#) {
            return [.text(StreamScript.eventStreamHead + StreamScript.reply(["It ", "is ", "sunny."]))]
        }
        let pieces = arguments.map { StreamScript.toolCall(id: "call_w", name: "weather", arguments: $0) }
        return [
            .text(
                StreamScript.eventStreamHead + StreamScript.roleChunk + pieces.joined()
                    + StreamScript.finish("tool_calls") + StreamScript.done
            )
        ]
    }
}

func weatherTool(permission: ToolDefinition.Permission) -> ToolDefinition {
    ToolDefinition(
        name: "weather",
        description: "Current weather of a city",
        command: ["/bin/echo", "forecast for {{city}}: sunny"],
        parameters: [
            "type": "object",
            "properties": ["city": ["type": "string", "minLength": 1]],
            "required": ["city"],
            "additionalProperties": false,
        ],
        permission: permission,
        askTimeoutMs: 2_000
    )
}

@Suite struct ToolCallTests {
    @Test func aForcedToolCallRunsTheToolAndSendsItsResultBack() async throws {
        let server = try await toolCallingServer()
        defer { Task { await server.stop() } }
        let (step, recorder, error) = await streamOpenAI(server) {
            $0.tools = [weatherTool(permission: .allow)]
            $0.toolChoice = "weather"
        }
        #expect(error == nil)
        #expect(step.text == "It is sunny.")
        let events = recorder.tools
        #expect(events.map(\.status) == [.started, .completed])
        #expect(events.last?.input == ["city": "Paris"])
        #expect(events.last?.output == "forecast for Paris: sunny\n")
        #expect(events.last?.callId == "call_w")
        #expect(events.last?.durationMs != nil)

        let requests = server.requests
        #expect(requests.count == 2)
        let first = try JSONValue.parse(requests[0].bodyText)
        #expect(first["tool_choice"]?["function"]?["name"] == "weather")
        #expect(first["tools"]?.arrayValue?.first?["function"]?["parameters"]?["required"] == ["city"])
        let second = try JSONValue.parse(requests[1].bodyText)
        let messages = try #require(second["messages"]?.arrayValue)
        let assistant = try #require(messages.first { $0["role"] == "assistant" })
        // llama.cpp's server rejects a null or missing content on this turn.
        #expect(assistant["content"] == "")
        #expect(assistant["tool_calls"]?.arrayValue?.first?["function"]?["name"] == "weather")
        #expect(assistant["tool_calls"]?.arrayValue?.first?["function"]?["arguments"] == #"{ "city": "Paris" }"#)
        let tool = try #require(messages.last)
        #expect(tool["role"] == "tool")
        #expect(tool["tool_call_id"] == "call_w")
        #expect(tool["content"] == "forecast for Paris: sunny\n")
        // The forced choice is not forced again.
        #expect(second["tool_choice"] == "auto")
    }

    @Test func askRunsTheToolOnlyWhenTheClientAllows() async throws {
        let server = try await toolCallingServer()
        defer { Task { await server.stop() } }
        let (_, allowed, _) = await streamOpenAI(server, settings: { $0.tools = [weatherTool(permission: .ask)] }) {
            _ in
            .allowOnce
        }
        #expect(allowed.questions.map(\.tool) == ["weather"])
        #expect(allowed.questions.first?.arguments == ["city": "Paris"])
        #expect(allowed.tools.map(\.status) == [.started, .completed])

        let (step, rejected, error) = await streamOpenAI(
            server,
            settings: { $0.tools = [weatherTool(permission: .ask)] }
        ) { _ in
            .reject
        }
        #expect(error == nil)
        #expect(rejected.tools.map(\.status) == [.started, .failed])
        #expect(rejected.tools.last?.error == "permission was not granted")
        #expect(step.text == "It is sunny.")
        let last = try JSONValue.parse(server.requests.last!.bodyText)
        #expect(last["messages"]?.arrayValue?.last?["content"] == "error: permission was not granted")
    }

    @Test func denyRefusesWithoutAsking() async throws {
        let server = try await toolCallingServer()
        defer { Task { await server.stop() } }
        let (_, recorder, _) = await streamOpenAI(server, settings: { $0.tools = [weatherTool(permission: .deny)] }) {
            _ in
            .allowOnce
        }
        #expect(recorder.questions.isEmpty)
        #expect(recorder.tools.last?.status == .failed)
        #expect(recorder.tools.last?.error == "the tool is denied by configuration")
    }

    @Test func argumentsThatBreakTheSchemaAreNotRun() async throws {
        let server = try await toolCallingServer(arguments: [#"{"town": "Paris"}"#])
        defer { Task { await server.stop() } }
        let (_, recorder, _) = await streamOpenAI(server) { $0.tools = [weatherTool(permission: .allow)] }
        #expect(recorder.tools.map(\.status) == [.started, .failed])
        #expect(recorder.tools.last?.error?.hasPrefix("invalid arguments: $.city: required") == true)
    }

    @Test func aToolThatFailsOrRunsTooLongIsReportedAndTheModelIsTold() async throws {
        let server = try await toolCallingServer()
        defer { Task { await server.stop() } }
        var failing = weatherTool(permission: .allow)
        failing.command = ["/bin/sh", "-c", "echo no such city >&2; exit 4", "{{city}}"]
        let (_, recorder, _) = await streamOpenAI(server) { $0.tools = [failing] }
        #expect(recorder.tools.last?.error == "exited with status 4: no such city")

        var slow = weatherTool(permission: .allow)
        slow.command = ["/bin/sh", "-c", "exec sleep 30", "{{city}}"]
        slow.timeoutMs = 200
        let (_, timed, _) = await streamOpenAI(server) { $0.tools = [slow] }
        #expect(timed.tools.last?.error == "timed out after 200 ms")
    }

    @Test func outputBeyondTheCapIsCut() async throws {
        let server = try await toolCallingServer()
        defer { Task { await server.stop() } }
        var chatty = weatherTool(permission: .allow)
        chatty.command = ["/bin/sh", "-c", "head -c 100000 /dev/zero", "{{city}}"]
        chatty.maxOutputBytes = 10
        let (_, recorder, _) = await streamOpenAI(server) { $0.tools = [chatty] }
        let output = try #require(recorder.tools.last?.output)
        #expect(output.hasSuffix("[output cut at 10 bytes]"))
        #expect(output.utf8.count < 60)
    }

    @Test func aModelThatKeepsCallingToolsStopsAtMaxTurns() async throws {
        let server = try await FakeModelServer.start { _ in
            [
                .text(
                    StreamScript.eventStreamHead
                        + StreamScript.toolCall(id: "c", name: "weather", arguments: #"{"city":"X"}"#)
                        + StreamScript.finish("tool_calls") + StreamScript.done
                )
            ]
        }
        defer { Task { await server.stop() } }
        let (_, recorder, error) = await streamOpenAI(server) {
            $0.tools = [weatherTool(permission: .allow)]
            $0.maxTurns = 3
        }
        #expect(error?.message.contains("after 3 turns") == true)
        #expect(recorder.tools.filter { $0.status == .completed }.count == 2)
        #expect(server.requests.count == 3)
    }
}

@Suite struct SchemaValidatorTests {
    static let schema: JSONValue = [
        "type": "object",
        "properties": [
            "city": ["type": "string"],
            "days": ["type": "integer", "minimum": 1, "maximum": 7],
            "unit": ["enum": ["c", "f"]],
        ],
        "required": ["city"],
        "additionalProperties": false,
    ]

    @Test(
        arguments: [
            (#"{"city":"Oslo"}"#, nil),
            (#"{"city":"Oslo","days":3,"unit":"c"}"#, nil),
            (#"{}"#, "$.city: required"),
            (#"{"city":1}"#, "$.city: expected string, got an integer"),
            (#"{"city":"a","days":9}"#, "$.days: expected at most 7, got 9"),
            (#"{"city":"a","days":1.5}"#, "$.days: expected integer, got a number"),
            (#"{"city":"a","unit":"k"}"#, #"$.unit: expected one of ["c","f"], got "k""#),
            (#"{"city":"a","x":1}"#, "$.x: not allowed (expected one of: city, days, unit)"),
            (#"[1]"#, "$: expected object, got an array"),
        ] as [(String, String?)]
    )
    func validates(_ input: String, _ expected: String?) throws {
        #expect(
            SchemaValidator.firstError(try JSONValue.parse(input, allowScalars: true), schema: Self.schema) == expected
        )
    }
}
