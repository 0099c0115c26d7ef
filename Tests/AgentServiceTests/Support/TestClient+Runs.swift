import JSONCore
import JSONRPC
import Testing

// Runs as a client sees them: `run/started`, `run/step` and `run/token` notifications carrying a `runId`,
// then one reply to the `agent/run` request.

extension TestClient {
    /// Waits for the `run/started` notification at or after `start`; returns it (its `runId` identifies the run).
    func waitForRunStarted(from start: Int = 0) async throws -> (index: Int, runId: String) {
        let started = try await waitFor(from: start) { $0["method"] == "run/started" }
        let runId = try #require(started.message["params", "runId"]?.stringValue)
        return (started.index, runId)
    }

    /// Waits until at least `count` `run/token` notifications of `runId` have arrived.
    func waitForTokens(runId: String, count: Int) async throws {
        var seen = 0
        _ = try await waitFor { message in
            if message["method"] == "run/token" && message["params", "runId"]?.stringValue == runId { seen += 1 }
            return seen == count
        }
    }

    /// Every notification of run `runId` received so far, in order.
    func runNotifications(_ runId: String) -> [ReceivedMessage] {
        messages.enumerated().compactMap { index, message in
            message["id"] == nil && message["params", "runId"]?.stringValue == runId
                ? ReceivedMessage(index: index, message: message) : nil
        }
    }

    /// The texts of run `runId`'s `run/token` notifications received so far.
    func runTokenTexts(_ runId: String) -> [String] {
        runNotifications(runId).filter { $0.message["method"] == "run/token" }.compactMap {
            $0.message["params", "text"]?.stringValue
        }
    }

    /// Every message carrying `id` that is not a request (a response or an error).
    func replies(to id: RequestID) -> [ReceivedMessage] {
        messages.enumerated().compactMap { index, message in
            message.isResponse(to: id) ? ReceivedMessage(index: index, message: message) : nil
        }
    }
}
