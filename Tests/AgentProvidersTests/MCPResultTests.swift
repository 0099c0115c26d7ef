import JSONCore
import Testing

@testable import AgentProviders

/// What the model is sent for a `tools/call` result.
@Suite struct MCPResultTests {
    @Test func textBlocksAreJoinedAndOtherBlocksNamed() {
        let result = MCPSession.toolResult(
            [
                "content": [
                    ["type": "text", "text": "first"],
                    ["type": "image", "data": "AAAA", "mimeType": "image/png"],
                    ["type": "resource", "resource": ["uri": "file:///a.txt", "text": "inside a"]],
                    ["type": "resource_link", "uri": "file:///b.txt", "name": "b"],
                ],
                "structuredContent": ["sum": 3],
            ],
            maxBytes: 1000
        )
        #expect(result.text == "first\n[image: image/png]\ninside a\n[resource link: file:///b.txt]")
        #expect(result.structured == ["sum": 3])
        #expect(!result.isError)
    }

    @Test func structuredContentAloneIsSentAsJSON() {
        let result = MCPSession.toolResult(["content": [], "structuredContent": ["sum": 3]], maxBytes: 1000)
        #expect(result.text == #"{"sum":3}"#)
    }

    @Test func anErrorResultStaysAnError() {
        let result = MCPSession.toolResult(
            ["content": [["type": "text", "text": "no such file"]], "isError": true],
            maxBytes: 1000
        )
        #expect(result.isError)
        #expect(result.text == "no such file")
    }

    @Test func aLongResultIsCutOnACharacterBoundary() {
        let result = MCPSession.toolResult(["content": [["type": "text", "text": "aé€"]]], maxBytes: 4)
        // "a" (1 byte) + "é" (2) fit; "€" (3) would pass 4 bytes and is not split.
        #expect(result.text == "aé\n[output cut at 4 bytes]")
        let exact = MCPSession.toolResult(["content": [["type": "text", "text": "aé€"]]], maxBytes: 3)
        #expect(exact.text == "aé\n[output cut at 3 bytes]")
    }
}
