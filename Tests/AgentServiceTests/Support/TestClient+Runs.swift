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

    /// The params of run `runId`'s notifications with `method` (`run/token`, `run/step`, …) received so
    /// far, in order.
    func runNotificationParams(_ runId: String, method: String) -> [JSONValue] {
        runNotifications(runId).filter { $0.message["method"]?.stringValue == method }.compactMap {
            $0.message["params"]
        }
    }

    /// The `seq` of each of run `runId`'s notifications received so far, in arrival order.
    func runSeqs(_ runId: String) -> [Int64] {
        runNotifications(runId).compactMap { $0.message["params", "seq"]?.integerValue }
    }

    /// The texts of run `runId`'s `run/token` notifications received so far.
    func runTokenTexts(_ runId: String) -> [String] {
        runNotificationParams(runId, method: "run/token").compactMap { $0["text"]?.stringValue }
    }

    /// Sends a run-starting request (`agent/run`, `workflow/run`, `coordinator/…`), waits for its reply and
    /// requires a result carrying a `runId`; returns both.
    func requestRun(
        _ method: String,
        _ params: JSONValue,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> (result: JSONValue, runId: String) {
        let reply = try await request(method, params)
        let result = try #require(reply["result"], "\(reply.jsonString)", sourceLocation: sourceLocation)
        return (result, try #require(result["runId"]?.stringValue, sourceLocation: sourceLocation))
    }

    /// Every message carrying `id` that is not a request (a response or an error).
    func replies(to id: RequestID) -> [ReceivedMessage] {
        messages.enumerated().compactMap { index, message in
            message.isResponse(to: id) ? ReceivedMessage(index: index, message: message) : nil
        }
    }
}

extension [Int64] {
    /// Each element is greater than the one before (true for fewer than two): how a run's `seq`s go.
    var isStrictlyIncreasing: Bool { zip(self, dropFirst()).allSatisfy { $0 < $1 } }
}
