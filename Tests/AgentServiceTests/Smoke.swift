import JSONCore
import Testing

@Suite struct SmokeTests {
    @Test func pingAnswersEmptyObject() throws {
        let client = TestClient()
        let reply = try client.request("ping")
        #expect(reply["result"] == .object([:]))
    }
}
