import JSONRPC
import JSONRPCTransport
import Logging
import Synchronization
import Testing

@Suite struct InMemoryConnectionTests {
    /// A handler that keeps the connection it was given until told to let go, as a run's task would.
    final class Holding: MessageHandler, Sendable {
        let held = Mutex<Connection?>(nil)
        func handle(_ incoming: Incoming, on connection: Connection) { held.withLock { $0 = connection } }
        func inputClosed(on connection: Connection) {}
    }

    /// The release callback fires when the last holder lets go, not when serving ends, so a caller that
    /// waits for it knows no work of the input is left.
    @Test func theReleaseCallbackFiresWhenTheLastHolderLetsGo() {
        let released = Atomic(0)
        let handler = Holding()
        do {
            let connection = Connection(
                inMemoryKeepingOutput: false,
                logger: Logger(label: "test"),
                onRelease: { released.add(1, ordering: .relaxed) }
            )
            connection.serve(Array(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#.utf8) + [10], handler: handler)
        }
        #expect(released.load(ordering: .relaxed) == 0)
        handler.held.withLock { $0 = nil }
        #expect(released.load(ordering: .relaxed) == 1)
    }
}
