import JSONCore
import JSONRPC
import JSONRPCTransport
import Logging
import Synchronization
import Testing

/// The machinery every face shares, with a face that answers `echo` and records what reaches it.
@Suite struct EndpointTests {
    final class Face: FaceHandler {
        let batchPolicy: BatchPolicy
        let cancelled = Mutex<[(RequestID, CancelMode)]>([])
        let notifications = Mutex<[String]>([])

        init(batchPolicy: BatchPolicy) { self.batchPolicy = batchPolicy }

        func handle(_ incoming: Incoming, on connection: Connection) {}
        func inputClosed(on connection: Connection) {}

        func handleRequest(
            id: RequestID,
            method: String,
            params: JSONValue?,
            responder: Responder,
            connection: Connection
        ) {
            if method == "echo" {
                responder.reply(id: id, .success(params ?? .null))
            } else {
                responder.reply(id: id, .failure(.methodNotFound(method)))
            }
        }

        func handleNotification(method: String, params: JSONValue?, connection: Connection) {
            notifications.withLock { $0.append(method) }
        }

        func cancelRequest(_ id: RequestID, mode: CancelMode) {
            cancelled.withLock { $0.append((id, mode)) }
        }
    }

    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static func run(_ line: String, policy: BatchPolicy = .collect) -> (frames: [JSONValue], face: Face) {
        let wire = WireCapture()
        let face = Face(batchPolicy: policy)
        let endpoint = Endpoint(outstanding: OutstandingRequests { .integer(Int64($0)) }, logger: logger)
        endpoint.handle(Incoming(frame: Array(line.utf8)), on: wire.connection, for: face)
        return (wire.frames(), face)
    }

    @Test func aBatchIsAnsweredAsOneArrayWithoutItsNotifications() {
        let (frames, face) = Self.run(
            #"[{"jsonrpc":"2.0","id":1,"method":"echo","params":[1]},{"jsonrpc":"2.0","method":"note"},{"jsonrpc":"2.0","id":2,"method":"nope"}]"#
        )
        #expect(frames.count == 1)
        #expect(frames.first?.arrayValue?.count == 2)
        #expect(face.notifications.withLock { $0 } == ["note"])
    }

    @Test func aFaceWithoutBatchesAnswersEachMemberAlone() {
        let (frames, _) = Self.run(
            #"[{"jsonrpc":"2.0","id":1,"method":"echo"},{"jsonrpc":"2.0","id":2,"method":"echo"}]"#,
            policy: .eachAlone
        )
        #expect(frames.count == 2)
    }

    @Test func aFaceThatRefusesBatchesSaysWhy() {
        let (frames, _) = Self.run(#"[{"jsonrpc":"2.0","id":1,"method":"echo"}]"#, policy: .refuse("no batches"))
        #expect(frames.first?["error"]?["code"] == .integer(-32600))
        #expect(frames.first?["error"]?["data"]?["detail"] == "no batches")
    }

    /// Every dialect's cancellation reaches the face with the reply it asks for; none is answered.
    @Test(arguments: [
        (#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":5}}"#, CancelMode.errorReply),
        (#"{"jsonrpc":"2.0","method":"$/cancel_request","params":{"requestId":5}}"#, CancelMode.errorReply),
        (#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":5}}"#, CancelMode.noReply),
    ])
    func everyCancellationDialectReachesTheFace(line: String, mode: CancelMode) {
        let (frames, face) = Self.run(line)
        #expect(frames.isEmpty)
        let cancelled = face.cancelled.withLock { $0 }
        #expect(cancelled.count == 1)
        #expect(cancelled.first?.0 == .integer(5))
        #expect(cancelled.first?.1 == mode)
    }

    @Test func aMalformedCancellationIsIgnored() {
        let (frames, face) = Self.run(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":[1]}}"#)
        #expect(frames.isEmpty)
        #expect(face.cancelled.withLock { $0.isEmpty })
    }

    @Test func junkAndInvalidMessagesAreAnswered() {
        #expect(Self.run("{nope").frames.first?["error"]?["code"] == .integer(-32700))
        #expect(Self.run("[]").frames.first?["error"]?["code"] == .integer(-32600))
        let invalid = Self.run(#"{"jsonrpc":"1.0","id":9,"method":"echo"}"#).frames.first
        #expect(invalid?["error"]?["code"] == .integer(-32600))
        #expect(invalid?["id"] == .integer(9))
    }
}
