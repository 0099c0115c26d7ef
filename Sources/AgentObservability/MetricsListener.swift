import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// Serves `GET /metrics` over HTTP/1.1 for a Prometheus server to scrape. Anything else gets 404 (or
/// 405 for another method on `/metrics`). Connections are kept alive when the client asks.
public final class MetricsListener: Sendable {
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    /// The address actually bound (the real port when 0 was asked for).
    public let address: ListenAddress

    /// Binds and starts serving; `render` produces the body (the Prometheus text) on each scrape.
    public static func start(
        at address: ListenAddress,
        contentType: String,
        render: @escaping @Sendable () -> String
    ) async throws -> MetricsListener {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(
                            MetricsHTTPHandler(contentType: contentType, render: render)
                        )
                    }
                }
                .bind(host: address.host, port: address.port)
                .get()
            let bound = ListenAddress(host: address.host, port: channel.localAddress?.port ?? address.port)
            return MetricsListener(channel: channel, group: group, address: bound)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private init(channel: any Channel, group: MultiThreadedEventLoopGroup, address: ListenAddress) {
        self.channel = channel
        self.group = group
        self.address = address
    }

    /// Stops listening and closes the event loop.
    public func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}

/// The listener as a service of the process's `ServiceGroup`: bound by ``MetricsListener/start(at:contentType:render:)``,
/// it serves until the group shuts down, then stops listening.
extension MetricsListener: Service {
    public func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            // Cancelled rather than shut down: it stops all the same.
        }
        await stop()
    }
}

/// Answers one HTTP connection's requests.
final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let contentType: String
    private let render: @Sendable () -> String
    private var request: HTTPRequestHead?

    init(contentType: String, render: @escaping @Sendable () -> String) {
        self.contentType = contentType
        self.render = render
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): request = head
        case .body: break
        case .end:
            guard let head = request else { return }
            request = nil
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let status: HTTPResponseStatus
        let body: String
        var headers = HTTPHeaders()
        if path != "/metrics" {
            status = .notFound
            body = "Not found: metrics are at /metrics\n"
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        } else if head.method != .GET && head.method != .HEAD {
            status = .methodNotAllowed
            body = "Only GET is allowed\n"
            headers.add(name: "Allow", value: "GET, HEAD")
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        } else {
            status = .ok
            body = render()
            headers.add(name: "Content-Type", value: contentType)
        }
        let keepAlive = head.isKeepAlive
        var buffer = context.channel.allocator.buffer(capacity: body.utf8.count)
        buffer.writeString(body)
        headers.add(name: "Content-Length", value: "\(buffer.readableBytes)")
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
            promise: nil
        )
        if head.method != .HEAD { context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil) }
        let done = context.writeAndFlushPromise(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

extension ChannelHandlerContext {
    fileprivate func writeAndFlushPromise(_ data: NIOAny) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        writeAndFlush(data, promise: promise)
        return promise.futureResult
    }
}
