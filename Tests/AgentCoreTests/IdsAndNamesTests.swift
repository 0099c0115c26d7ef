import AgentCore
import Foundation
import Testing

@Suite struct IdsAndNamesTests {
    private static func isLowerHex(_ text: Substring) -> Bool {
        text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    @Test func randomIdsAreLowercaseHexOfTheAskedLengthAndDoNotRepeat() {
        // More ids than one refill of the pool serves, so ids made across a refill are compared too.
        let ids = (0..<2_000).map { _ in RandomHex.make(bytes: 8) }
        #expect(ids.allSatisfy { $0.utf8.count == 16 && Self.isLowerHex($0[...]) })
        #expect(Set(ids).count == ids.count)
        let traceId = RandomHex.make(bytes: 16)
        #expect(traceId.utf8.count == 32 && Self.isLowerHex(traceId[...]))
        #expect(traceId.contains { $0 != "0" })
    }

    @Test func runIdsKeepTheirShape() {
        let id = AgentRuntime.makeRunId()
        #expect(id.hasPrefix("run_") && id.utf8.count == 20, "\(id)")
        #expect(Self.isLowerHex(id.dropFirst(4)), "\(id)")
        #expect(AgentRuntime.makeRunId() != id)
    }

    @Test func suggestionsFindTyposAndPrefixesAndNothingFarOff() {
        let names = ["echo", "echo-thinking", "fanout", "pipeline", "review"]
        #expect(NameSuggestion.closest(to: "ecoh", in: names) == "echo")
        #expect(NameSuggestion.closest(to: "ECHO", in: names) == "echo")
        #expect(NameSuggestion.closest(to: "fan", in: names) == "fanout")
        #expect(NameSuggestion.closest(to: "pipelnie", in: names) == "pipeline")
        #expect(NameSuggestion.closest(to: "revieww", in: names) == "review")
        #expect(NameSuggestion.closest(to: "ech", in: names) == "echo")  // a prefix of two: the nearer
        #expect(NameSuggestion.closest(to: "planner", in: names) == nil)
        #expect(NameSuggestion.closest(to: String(repeating: "e", count: 5_000), in: names) == nil)
        #expect(NameSuggestion.closest(to: "", in: names) == nil)
    }

    @Test func aCopiedMemoryStoreChangesApartFromItsOriginal() throws {
        let original = MemoryRunStore()
        try original.insertSession(StoredSession(id: "ses_a", agent: "echo", turns: [Turn(input: "hi", output: "hi")]))
        try original.insertRun(
            StoredRun(id: "run_a", kind: "agent", name: "echo", input: "hi", status: .completed, startedAt: Date())
        )
        let copy = MemoryRunStore(copying: original)
        #expect(try copy.run("run_a")?.status == .completed)
        #expect(try copy.session("ses_a")?.turns.count == 1)

        try copy.appendTurn(sessionId: "ses_a", turn: Turn(input: "again", output: "again"))
        #expect(try copy.deleteRun("run_a"))
        try copy.insertRun(StoredRun(id: "run_b", kind: "agent", name: "echo", input: "b", startedAt: Date()))

        #expect(try original.session("ses_a")?.turns.count == 1)
        #expect(try original.run("run_a") != nil)
        #expect(try original.run("run_b") == nil)
    }

    @Test func cleaningKeepsAMaskedTextWithinTheLimit() {
        let redactor = Redactor(maxLength: 16)
        // Fifteen bytes: under the limit, but masking the token makes it longer than the limit.
        let cleaned = redactor.clean("Bearer abcdefgh")
        #expect(cleaned.hasPrefix("Bearer [REDACTED"), "\(cleaned)")
        #expect(cleaned.hasSuffix("[truncated; 15 bytes in all]"), "\(cleaned)")
        #expect(redactor.clean("short and plain") == "short and plain")
        #expect(redactor.clean("héllo wörld ünï") == "héllo wörld ünï")  // 15 characters in 19 bytes
    }
}
