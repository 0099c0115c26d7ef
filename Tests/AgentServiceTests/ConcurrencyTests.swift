import AgentCore
import AgentService
import Foundation
import JSONCore
import JSONRPC
import Testing

@Suite struct ConcurrencyTests {
    @Test func twentyRunsOnOneConnectionAllComplete() async throws {
        let client = TestClient(config: .withSlowAgent(delayMs: 5))
        var requests: [(id: RequestID, agent: String, input: String)] = []
        for i in 0..<20 {
            let agent = i.isMultiple(of: 2) ? "echo" : "slow"
            let input = String.numberedWords(10 + i, prefix: "r\(i)w")
            requests.append(
                (client.sendRequest("agent/run", ["agent": .string(agent), "input": .string(input)]), agent, input)
            )
        }

        var runIds: Set<String> = []
        for request in requests {
            let reply = try await client.response(to: request.id)
            let result = try #require(reply.message["result"], "\(reply.message.jsonString)")
            let runId = try #require(result["runId"]?.stringValue)
            runIds.insert(runId)
            #expect(result["output"] == .string(request.input))
            #expect(result["stopReason"] == "end_turn")
            #expect(result["usage", "outputTokens"] == .int(echoWordCount(request.input)))

            let run = client.runNotifications(runId)
            #expect(run.first?.message["method"] == "run/started")
            #expect(run.first?.message["params", "agent"] == .string(request.agent))
            let seqs = run.compactMap { $0.message["params", "seq"]?.integerValue }
            #expect(seqs.count == run.count)
            #expect(zip(seqs, seqs.dropFirst()).allSatisfy { $0 < $1 }, "seq not increasing in \(runId): \(seqs)")
            #expect(seqs.first == 1)
            #expect(client.runTokenTexts(runId).joined() == request.input)
            #expect(run.allSatisfy { $0.index < reply.index })
            #expect(client.replies(to: request.id).count == 1)
        }
        #expect(runIds.count == 20)
    }

    @Test func tokensOfTwoSlowRunsInterleave() async throws {
        let client = TestClient(config: .withSlowAgent(delayMs: 20))
        let inputA = String.numberedWords(30, prefix: "a")
        let inputB = String.numberedWords(30, prefix: "b")
        let idA = client.sendRequest("agent/run", ["agent": "slow", "input": .string(inputA)])
        let idB = client.sendRequest("agent/run", ["agent": "slow", "input": .string(inputB)])
        let runA = try #require(try await client.response(to: idA).message["result", "runId"]?.stringValue)
        let runB = try #require(try await client.response(to: idB).message["result", "runId"]?.stringValue)

        let tokenIndices = { (runId: String) in
            client.runNotifications(runId).filter { $0.message["method"] == "run/token" }.map(\.index)
        }
        let a = tokenIndices(runA)
        let b = tokenIndices(runB)
        #expect(a.count == 30 && b.count == 30)
        let (firstA, lastA) = (try #require(a.first), try #require(a.last))
        #expect(b.contains { firstA < $0 && $0 < lastA }, "no token of run B among run A's tokens: A \(a), B \(b)")
        #expect(client.runTokenTexts(runA).joined() == inputA)
        #expect(client.runTokenTexts(runB).joined() == inputB)
    }

    @Test func fastRunStartedAfterASlowRunAnswersFirst() async throws {
        let client = TestClient(config: .withSlowAgent(delayMs: 20))
        let slowInput = String.numberedWords(100)
        let slowId = client.sendRequest("agent/run", ["agent": "slow", "input": .string(slowInput)])
        let (_, slowRunId) = try await client.waitForRunStarted()

        let fastId = client.sendRequest("agent/run", ["agent": "echo", "input": "quick brown fox"])
        let fast = try await client.response(to: fastId)
        #expect(fast.message["result", "output"] == "quick brown fox")
        #expect(client.replies(to: slowId).isEmpty, "the slow run answered before the fast one")

        let slow = try await client.response(to: slowId)
        #expect(fast.index < slow.index)
        #expect(slow.message["result", "runId"] == .string(slowRunId))
        #expect(slow.message["result", "output"] == .string(slowInput))
        #expect(slow.message["result", "stopReason"] == "end_turn")
    }
}
