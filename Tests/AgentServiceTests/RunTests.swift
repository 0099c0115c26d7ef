import AgentCore
import AgentService
import Foundation
import JSONCore
import JSONRPC
import Testing

@Suite struct RunTests {
    @Test func agentsListIncludesEchoWithProviderAndDescription() async throws {
        let client = TestClient()
        let reply = try await client.request("agents/list")
        let agents = try #require(reply["result", "agents"]?.arrayValue)
        let echo = try #require(agents.first { $0["name"] == "echo" })
        #expect(echo["provider"] == "echo")
        let description = try #require(echo["description"]?.stringValue)
        #expect(!description.isEmpty)
    }

    @Test func echoRunStreamsOneTokenPerWordThenAnswers() async throws {
        let client = TestClient()
        let input = "hello brave new world"
        let id = client.sendRequest("agent/run", ["agent": "echo", "input": .string(input)])
        let response = try await client.response(to: id)
        let result = try #require(response.message["result"])
        let runId = try #require(result["runId"]?.stringValue)
        #expect(!runId.isEmpty)

        let run = client.runNotifications(runId)
        #expect(
            run.map { $0.message["method"]?.stringValue ?? "?" } == [
                "run/started", "run/step", "run/token", "run/token", "run/token", "run/token", "run/step",
            ]
        )
        let tokens = run.filter { $0.message["method"] == "run/token" }
        #expect(tokens.count == 4)
        #expect(
            tokens.compactMap { $0.message["params", "text"]?.stringValue } == ["hello ", "brave ", "new ", "world"]
        )
        #expect(client.runTokenTexts(runId).joined() == input)
        #expect(tokens.allSatisfy { $0.message["params", "agent"] == "echo" })

        // seq: 1, 2, 3, … across all of the run's notifications.
        let seqs = run.compactMap { $0.message["params", "seq"]?.integerValue }
        #expect(seqs == Array(1...Int64(run.count)))

        // The run is announced, then its step starts … and completes.
        #expect(run.first?.message["params", "agent"] == "echo")
        let steps = run.filter { $0.message["method"] == "run/step" }.map(\.message)
        #expect(steps.map { $0["params", "status"] } == ["started", "completed"])
        #expect(steps.first?["params", "stepId"] != nil)
        #expect(steps.first?["params", "stepId"] == steps.last?["params", "stepId"])
        #expect((steps.last?["params", "durationMs"]?.integerValue ?? -1) >= 0)

        // Every notification of the run is on the wire before its response.
        #expect(run.allSatisfy { $0.index < response.index })

        #expect(result["output"] == .string(input))
        #expect(result["stopReason"] == "end_turn")
        #expect(result["usage", "outputTokens"] == 4)
        let durationMs = try #require(result["durationMs"]?.integerValue)
        #expect(durationMs >= 0)
        #expect(client.replies(to: id).count == 1)
    }

    static let trickyInputs: [String] = [
        "   leading and trailing   ",
        "multiple     spaces    between words",
        "tabs\tand\t\ttabs",
        "new\nlines\n\nand\r\nCRLF\r\n",
        "\n\n\tonly one\n\n",
        "say \"hi\" and 'bye' \"\"",
        #"back\slash C:\path\to\file \\ \"escaped\" \u0041 end"#,
        "control\u{1}chars\u{7}here \u{1B}[31mred\u{1B}[0m \u{1F}\u{7F} done",
        "emoji 😀 👨‍👩‍👧‍👦 🇯🇵 🏳️‍🌈 end",
        "non-ASCII: héllo wörld Ελληνικά 日本語 עברית Ünïcödé",
        "ideographic\u{3000}space and\u{2028}line\u{2029}separators",
        "combining e\u{301} and \u{301}leading mark",
        "</script> {\"json\": [1, 2]} // slashes /",
        "single",
        "x",
    ]

    @Test(arguments: trickyInputs)
    func inputRoundTripsExactlyWithOneTokenPerWord(input: String) async throws {
        let client = TestClient()
        let id = client.sendRequest("agent/run", ["agent": "echo", "input": .string(input)])
        let response = try await client.response(to: id)
        let result = try #require(response.message["result"], "\(response.message.jsonString)")
        let runId = try #require(result["runId"]?.stringValue)
        let words = echoWordCount(input)
        let texts = client.runTokenTexts(runId)

        #expect(texts.count == words)
        // Byte for byte (String == would accept any canonically equivalent text).
        #expect(Array(texts.joined().utf8) == Array(input.utf8))
        #expect(result["output"]?.stringValue.map { Array($0.utf8) } == Array(input.utf8))
        #expect(result["usage", "outputTokens"] == .int(words))
        #expect(result["stopReason"] == "end_turn")
        // Each token but the first begins with its word, not with whitespace.
        #expect(texts.dropFirst().allSatisfy { $0.unicodeScalars.first.map { !$0.properties.isWhitespace } ?? false })
    }

    @Test func emptyInputGivesNoTokensAndEmptyOutput() async throws {
        let client = TestClient()
        let id = client.sendRequest("agent/run", ["agent": "echo", "input": ""])
        let response = try await client.response(to: id)
        let result = try #require(response.message["result"])
        let runId = try #require(result["runId"]?.stringValue)
        let run = client.runNotifications(runId)
        #expect(run.map { $0.message["method"]?.stringValue ?? "?" } == ["run/started", "run/step", "run/step"])
        #expect(result["output"] == "")
        #expect(result["usage", "outputTokens"] == 0)
        #expect(result["stopReason"] == "end_turn")
    }

    @Test func whitespaceOnlyInputHasNoWordsAndNoTokens() async throws {
        let client = TestClient()
        let id = client.sendRequest("agent/run", ["agent": "echo", "input": "   \t\n  "])
        let result = try #require(try await client.response(to: id).message["result"])
        let runId = try #require(result["runId"]?.stringValue)
        #expect(client.runTokenTexts(runId).isEmpty)
        #expect(result["usage", "outputTokens"] == 0)
        // The output is what was streamed.
        #expect(result["output"] == .string(client.runTokenTexts(runId).joined()))
        #expect(result["stopReason"] == "end_turn")
    }

    @Test func agentFromConfigIsListedAndRuns() async throws {
        let config = AgentConfig(agents: [
            AgentDefinition(name: "paced", description: "Echo with 5 ms per word", provider: .echo(delayMs: 5))
        ])
        let client = TestClient(config: config)

        let list = try await client.request("agents/list")
        #expect(
            list["result", "agents"]
                == [["name": "paced", "description": "Echo with 5 ms per word", "provider": "echo"]]
        )

        let input = "one two  three\tfour "
        let id = client.sendRequest("agent/run", ["agent": "paced", "input": .string(input)])
        let response = try await client.response(to: id)
        let result = try #require(response.message["result"])
        let runId = try #require(result["runId"]?.stringValue)
        #expect(result["output"] == .string(input))
        #expect(result["usage", "outputTokens"] == 4)
        #expect(client.runTokenTexts(runId) == ["one ", "two  ", "three\t", "four "])
        #expect(client.runNotifications(runId).first?.message["params", "agent"] == "paced")
        #expect(client.runNotifications(runId).allSatisfy { $0.message["params", "agent"] == "paced" })

        // A config without `echo` does not offer it.
        let missing = try await client.request("agent/run", ["agent": "echo", "input": "x"])
        #expect(missing["error", "code"] == -32001)
        #expect(missing["error", "data", "available"] == ["paced"])
    }

    // MARK: Hand-written token encoder

    static let encoderTexts: [String] = [
        "",
        "plain ",
        "say \"hi\"",
        #"back\slash \\ \n"#,
        String(decoding: Array(UInt8(0x01)...UInt8(0x1F)), as: UTF8.self),
        "nul \u{0} inside",
        "del \u{7F}",
        "</script>/path/",
        "héllo wörld 日本語",
        "😀 👨‍👩‍👧‍👦 🇯🇵",
        "\u{2028}\u{2029}\u{FEFF}\u{200B}",
        "tab\tcr\rlf\nff\u{C}bs\u{8}",
    ]

    @Test(arguments: encoderTexts)
    func handWrittenTokenEncoderMatchesJansson(text: String) throws {
        try Self.expectTokenEncodersAgree(text: text)
    }

    @Test func handWrittenTokenEncoderMatchesJanssonForTextsOver64KiB() throws {
        // Past the 64 KiB scratch buffer jansson's encoder starts with.
        try Self.expectTokenEncodersAgree(text: String(repeating: "long \"token\" é😀\n\u{1}", count: 6000))
    }

    static func expectTokenEncodersAgree(text: String) throws {
        let cases: [(runId: String, seq: UInt64, agent: String, stepId: String)] = [
            ("run_0123456789abcdef", 1, "echo", "1"),
            ("run_x", 42, "echo-slow", "1.2"),
            ("run \"quoted\" \\ é", 1_000_000, "agent\twith\u{1}odd name", "step \"x\"\n"),
            ("r", UInt64(Int64.max), "", ""),
        ]
        for (runId, seq, agent, stepId) in cases {
            var handWritten: [UInt8] = []
            RunNotifications.appendToken(
                runId: runId,
                seq: seq,
                agent: agent,
                stepId: stepId,
                text: text,
                to: &handWritten
            )
            let jansson = RunNotifications.message(
                runId: runId,
                seq: seq,
                event: .token(agent: agent, stepId: stepId, text: text)
            ).encoded()
            #expect(
                handWritten == jansson,
                "\(String(decoding: handWritten.prefix(300), as: UTF8.self)) vs \(String(decoding: jansson.prefix(300), as: UTF8.self))"
            )

            var viaAppend: [UInt8] = []
            RunNotifications.append(
                runId: runId,
                seq: seq,
                event: .token(agent: agent, stepId: stepId, text: text),
                to: &viaAppend
            )
            #expect(viaAppend == jansson)

            let parsed = try JSONValue.parse(handWritten)
            #expect(parsed["method"] == "run/token")
            #expect(parsed["params", "text"] == .string(text))
            #expect(parsed["params", "runId"] == .string(runId))
            #expect(parsed["params", "agent"] == .string(agent))
            #expect(parsed["params", "seq"] == .int(seq))
        }
    }
}
