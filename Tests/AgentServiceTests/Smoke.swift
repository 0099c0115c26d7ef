import JSONCore
import Testing

@Suite struct SmokeTests {
    @Test func pingAnswersEmptyObject() async throws {
        let client = TestClient()
        let reply = try await client.request("ping")
        #expect(reply["result"] == .object([:]))
    }
}
