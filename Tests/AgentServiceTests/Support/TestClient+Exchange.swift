import Foundation
import JSONCore
import JSONRPC
import Testing

// A missing reply is proven with a sentinel: after the messages under test the client sends a `ping` with a
// fresh id, and the ping's reply must be the next thing the server writes.

/// What the server wrote after one message, up to (not including) the reply to the sentinel ping.
struct Exchange {
    /// Everything, in arrival order.
    var all: [JSONValue]
    /// Replies: response objects and batch arrays.
    var replies: [JSONValue] { all.filter { !$0.isNotification } }
    /// Notifications the server sent (`run/started`, `run/step`, `run/token`).
    var notifications: [JSONValue] { all.filter(\.isNotification) }
}

extension TestClient {
    /// Sends a `ping` with a fresh id and returns everything received from index `start` up to (not
    /// including) its reply. The server reads in order, so whatever the messages before the ping were going
    /// to answer right away has been answered by then.
    func messagesBeforeSentinel(since start: Int) async throws -> [JSONValue] {
        let sentinel = RequestID.string("sentinel-\(UUID().uuidString)")
        sendRequest("ping", id: sentinel)
        let pong = try await waitFor(from: start) { $0.isResponse(to: sentinel) }
        #expect(pong.message["result"] == .object([:]), "the sentinel ping must be answered with {}")
        return Array(messages[start..<pong.index])
    }

    /// Sends `text` as one frame, waits for `replies` replies (response objects or batch arrays; run
    /// notifications do not count), then sends a sentinel `ping` and returns everything received in between.
    func exchange(_ text: String, replies expected: Int = 0) async throws -> Exchange {
        let start = messages.count
        send(json: text)
        if expected > 0 {
            var seen = 0
            _ = try await waitFor(from: start) { message in
                if !message.isNotification { seen += 1 }
                return seen == expected
            }
        }
        return Exchange(all: try await messagesBeforeSentinel(since: start))
    }
}
