import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A loopback OTLP/HTTP collector for tests: keeps every POSTed body and answers `{}`.
final class OTLPReceiver: Sendable {
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    let port: Int
    private let box: ReceivedBox

    static func start() async throws -> OTLPReceiver {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let box = ReceivedBox()
        let channel = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(CollectingHandler(box: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return OTLPReceiver(channel: channel, group: group, box: box)
    }

    private init(channel: any Channel, group: MultiThreadedEventLoopGroup, box: ReceivedBox) {
        self.channel = channel
        self.group = group
        self.port = channel.localAddress?.port ?? 0
        self.box = box
    }

    var requests: [(path: String, contentType: String, body: [UInt8])] { box.received.withLock { $0 } }

    func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}

/// Shares the receiver's list with the per-connection handlers.
final class ReceivedBox: Sendable {
    let received = Mutex<[(path: String, contentType: String, body: [UInt8])]>([])
}

private final class CollectingHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let box: ReceivedBox
    var head: HTTPRequestHead?
    var body: [UInt8] = []

    init(box: ReceivedBox) { self.box = box }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(var buffer):
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head else { return }
            let entry = (head.uri, head.headers["content-type"].first ?? "", body)
            box.received.withLock { $0.append(entry) }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: "2")
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))),
                promise: nil
            )
            var buffer = context.channel.allocator.buffer(capacity: 2)
            buffer.writeString("{}")
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
