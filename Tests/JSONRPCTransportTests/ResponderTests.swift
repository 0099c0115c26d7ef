import JSONCore
import JSONRPC
import JSONRPCTransport
import Testing

@Suite struct ResponderTests {
    /// A run that ends just as it is cancelled may try to answer twice; the wire gets one reply.
    @Test func aRequestIsAnsweredAtMostOnce() {
        let wire = WireCapture()
        let responder = Responder(connection: wire.connection)
        #expect(responder.reply(id: .integer(1), .success("first")))
        #expect(responder.hasAnswered)
        #expect(!responder.reply(id: .integer(1), .failure(.internalError("second"))))
        #expect(!responder.dropReply())
        let frames = wire.frames()
        #expect(frames.count == 1)
        #expect(frames.first?["result"] == "first")
    }

    @Test func aDroppedReplyCannotBeFollowedByOne() {
        let wire = WireCapture()
        let responder = Responder(connection: wire.connection)
        #expect(responder.dropReply())
        #expect(!responder.reply(id: .integer(1), .success("late")))
        #expect(wire.frames().isEmpty)
    }

    /// Concurrent answers (a run's end racing its cancellation on another thread) still give one reply.
    @Test func concurrentAnswersGiveOneReply() async {
        let wire = WireCapture()
        let responder = Responder(connection: wire.connection)
        let wins = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<32 {
                group.addTask { responder.reply(id: .integer(7), .success(.int(index))) }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(wins == 1)
        #expect(wire.frames().count == 1)
    }
}
