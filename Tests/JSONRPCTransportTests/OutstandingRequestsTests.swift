import JSONCore
import JSONRPC
import JSONRPCTransport
import Synchronization
import Testing

@Suite struct OutstandingRequestsTests {
    /// Collects what would go on the wire.
    final class Sent: Sendable {
        let frames = Mutex<[JSONValue]>([])
        func send(_ frame: JSONValue) { frames.withLock { $0.append(frame) } }
        var last: JSONValue? { frames.withLock { $0.last } }
    }

    @Test func theAnswerReachesTheRequestThatAsked() async throws {
        let table = OutstandingRequests { .string("ask-\($0)") }
        let sent = Sent()
        async let answer = table.send(method: "ask", params: ["q": 1]) { sent.send($0) }
        while sent.last == nil { await Task.yield() }
        #expect(sent.last?["id"] == "ask-1")
        #expect(sent.last?["method"] == "ask")
        #expect(table.handleResponse(id: .string("ask-1"), result: .success("yes")))
        #expect(try await answer.get() == "yes")
        #expect(!table.handleResponse(id: .string("ask-1"), result: .success("again")))
        #expect(table.pendingCount == 0)
    }

    @Test func noAnswerInTimeFailsTheRequest() async {
        let table = OutstandingRequests { .integer(Int64($0)) }
        let answer = await table.send(method: "ask", params: nil, timeout: .milliseconds(20)) { _ in }
        guard case .failure(let error) = answer else {
            Issue.record("expected a failure, got \(answer)")
            return
        }
        #expect(error.code == .timeout)
        #expect(table.pendingCount == 0)
    }

    @Test func closingFailsWaitingAndLaterRequests() async {
        let table = OutstandingRequests { .integer(Int64($0)) }
        let sent = Sent()
        async let waiting = table.send(method: "ask", params: nil) { sent.send($0) }
        while sent.last == nil { await Task.yield() }
        table.close()
        let waited = await waiting
        #expect((try? waited.get()) == nil)
        let later = await table.send(method: "ask", params: nil) { sent.send($0) }
        #expect((try? later.get()) == nil)
        #expect(sent.frames.withLock { $0.count } == 1)
    }

    @Test func cancellingTheAskingTaskFailsItsRequest() async {
        let table = OutstandingRequests { .integer(Int64($0)) }
        let sent = Sent()
        let task = Task { await table.send(method: "ask", params: nil) { sent.send($0) } }
        while sent.last == nil { await Task.yield() }
        task.cancel()
        let answer = await task.value
        guard case .failure(let error) = answer else {
            Issue.record("expected a failure, got \(answer)")
            return
        }
        #expect(error.code == .requestCancelled)
    }
}
