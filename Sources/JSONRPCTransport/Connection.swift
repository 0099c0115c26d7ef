import Foundation
import JSONCore
import JSONRPC
import Logging
import Synchronization

/// Receives what a ``Connection`` reads, in arrival order, on the connection's reader thread.
///
/// - Important: `handle` runs on the reader thread and should return quickly: long work (a run) belongs in
///   a task. Cancellation messages are handled right here, so they overtake queued work.
public protocol MessageHandler: AnyObject, Sendable {
    func handle(_ incoming: Incoming, on connection: Connection)
    /// stdin reached EOF (or failed). Called once, after the last `handle`.
    func inputClosed(on connection: Connection)
    /// A message over the size limit was skipped (and logged). By default the peer is told with a
    /// message-too-large error and a null id, since its request id cannot be read.
    func skippedOversizedMessage(bytes: Int, limit: Int, on connection: Connection)
}

extension MessageHandler {
    public func skippedOversizedMessage(bytes: Int, limit: Int, on connection: Connection) {
        connection.send(
            Envelope.error(
                id: .null,
                ResponseError(
                    code: .messageTooLarge,
                    message:
                        "Message too large: \(bytes) bytes, the limit is \(limit) (--max-message-bytes); it was skipped",
                    data: ["limit": .int(limit), "size": .int(bytes)]
                )
            )
        )
    }
}

/// A JSON-RPC connection over a pair of file descriptors: one reader thread that frames and parses
/// input, and one ``OutboundQueue`` for everything sent.
///
/// Made with ``init(inMemoryKeepingOutput:maxMessageBytes:maxQueuedBytes:framing:logger:)``, it has no
/// descriptors and no threads: ``serve(_:handler:)`` runs the reader's code on the caller's thread over
/// bytes it is given, and frames go to an in-memory ``OutboundQueue``.
public final class Connection: @unchecked Sendable {
    public let outbound: OutboundQueue
    private let inputFD: Int32
    private let logger: Logger
    private let maxMessageBytes: Int
    private let forcedFraming: Framing?
    private let stopped = NSCondition()
    private let readerThread = Mutex<pthread_t?>(nil)
    private var isStopped = false
    /// Called when the connection goes away (in-memory connections only).
    private let onRelease: (@Sendable () -> Void)?

    /// - Parameters:
    ///   - inputFD: where requests are read from (stdin).
    ///   - outputFD: where frames are written (a duplicate of the real stdout).
    ///   - maxMessageBytes: larger messages are answered with an error and skipped.
    ///   - maxQueuedBytes: outbound backpressure threshold.
    ///   - framing: forces a framing instead of detecting it from the first byte.
    public init(
        inputFD: Int32,
        outputFD: Int32,
        maxMessageBytes: Int = 16 * 1024 * 1024,
        maxQueuedBytes: Int = 8 * 1024 * 1024,
        framing: Framing? = nil,
        logger: Logger
    ) {
        self.inputFD = inputFD
        self.maxMessageBytes = maxMessageBytes
        self.forcedFraming = framing
        self.logger = logger
        self.onRelease = nil
        self.outbound = OutboundQueue(
            fd: outputFD,
            framing: framing ?? .newlineDelimited,
            maxQueuedBytes: maxQueuedBytes
        )
    }

    /// A connection with no descriptors: input is handed to ``serve(_:handler:)``, and what is sent is
    /// kept in memory (``OutboundQueue/takeWritten()`` on ``outbound``) or, when `keeping` is false,
    /// dropped. Framing detection, decoding, dispatch and encoding are those of a descriptor connection.
    /// - Parameter onRelease: called once nothing holds the connection any more (from its `deinit`, on
    ///   whichever thread let go last), so a caller can wait for the work its input started to let go.
    public init(
        inMemoryKeepingOutput keeping: Bool,
        maxMessageBytes: Int = 16 * 1024 * 1024,
        maxQueuedBytes: Int = 8 * 1024 * 1024,
        framing: Framing? = nil,
        logger: Logger,
        onRelease: (@Sendable () -> Void)? = nil
    ) {
        self.inputFD = -1
        self.maxMessageBytes = maxMessageBytes
        self.forcedFraming = framing
        self.logger = logger
        self.onRelease = onRelease
        self.outbound = OutboundQueue(
            inMemory: keeping,
            framing: framing ?? .newlineDelimited,
            maxQueuedBytes: maxQueuedBytes
        )
    }

    deinit {
        onRelease?()
    }

    /// Starts the reader thread. Messages go to `handler` until EOF.
    public func start(handler: MessageHandler) {
        let thread = Thread { [self] in self.readLoop(handler: handler) }
        thread.name = "agentwire-reader"
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// Queues one message. On the reader thread, a message with nothing ahead of it is written at once.
    /// `handWritten` serializes it with ``JSONValue/writeCompact(into:)`` (same bytes as jansson).
    public func send(_ message: JSONValue, handWritten: Bool = false) {
        if handWritten {
            outbound.send(message, handWritten: true)
        } else if let reader = readerThread.withLock({ $0 }), pthread_equal(reader, pthread_self()) != 0 {
            outbound.sendInline(message)
        } else {
            outbound.send(message)
        }
    }

    /// Writes everything queued and stops writing. Wakes ``waitUntilStopped()``.
    public func close() {
        outbound.flushAndClose()
        stopped.withLock {
            isStopped = true
            stopped.broadcast()
        }
    }

    /// Blocks the calling thread until ``close()``.
    public func waitUntilStopped() {
        stopped.lock()
        while !isStopped { stopped.wait() }
        stopped.unlock()
    }

    private func readLoop(handler: MessageHandler) {
        readerThread.withLock { $0 = pthread_self() }
        var decoder = FrameDecoder(maxMessageBytes: maxMessageBytes, framing: forcedFraming)
        var buffer = [UInt8](repeating: 0, count: Self.readSize)
        var announced = forcedFraming != nil
        while true {
            let n = buffer.withUnsafeMutableBytes { read(inputFD, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                logger.error("Reading the input failed", metadata: ["errno": "\(errno)"])
                break
            }
            if n == 0 { break }
            consume(buffer[0..<n], decoder: &decoder, announced: &announced, handler: handler)
        }
        logger.debug("Input closed")
        handler.inputClosed(on: self)
    }

    /// Serves `input` as the whole of what the client sends, then ends it: the reader thread's work
    /// (framing detection, decoding in reads of at most 64 KiB, dispatch to `handler`) runs on the
    /// calling thread, which counts as the reader for ``send(_:handWritten:)``, and then
    /// `handler.inputClosed` runs as at EOF. It returns when `inputClosed` does: a face answers every run
    /// it started before that.
    ///
    /// - Important: Call it once, instead of ``start(handler:)``, on a connection made in memory. The
    ///   calling thread blocks while runs settle, so it must not be one of the shared executor's.
    public func serve(_ input: [UInt8], handler: MessageHandler) {
        readerThread.withLock { $0 = pthread_self() }
        var decoder = FrameDecoder(maxMessageBytes: maxMessageBytes, framing: forcedFraming)
        var announced = forcedFraming != nil
        var offset = 0
        while offset < input.count {
            let end = min(offset + Self.readSize, input.count)
            consume(input[offset..<end], decoder: &decoder, announced: &announced, handler: handler)
            offset = end
        }
        logger.debug("Input closed")
        handler.inputClosed(on: self)
    }

    /// Largest read from the input.
    private static let readSize = 64 * 1024

    /// Handles one read's worth of input: detects the framing at the first byte that is not whitespace,
    /// then decodes and dispatches every message the bytes complete.
    private func consume(
        _ bytes: ArraySlice<UInt8>,
        decoder: inout FrameDecoder,
        announced: inout Bool,
        handler: MessageHandler
    ) {
        // Replies use the client's framing, so it must be known before the first message is handled.
        if !announced, let first = bytes.first(where: { !FrameDecoder.isWhitespace($0) }) {
            announced = true
            let framing = Framing.detect(firstByte: first)
            outbound.framing = framing
            logger.info("Client framing detected", metadata: ["framing": "\(framing.rawValue)"])
        }
        decoder.feed(bytes) { dispatch($0, handler: handler) }
    }

    private func dispatch(_ event: FrameDecoder.Event, handler: MessageHandler) {
        switch event {
        case .frame(let bytes):
            handler.handle(Incoming(frame: bytes), on: self)
        case .oversized(let size):
            logger.warning(
                "Skipped a message over the size limit",
                metadata: ["bytes": "\(size)", "limit": "\(maxMessageBytes)"]
            )
            handler.skippedOversizedMessage(bytes: size, limit: maxMessageBytes, on: self)
        case .badHeader(let problem):
            logger.warning("Skipped an unreadable header block", metadata: ["problem": "\(problem)"])
            send(Envelope.error(id: .null, .parseError("bad header block: \(problem)")))
        }
    }
}
