import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A loopback HTTP server that answers every request with bytes its owner scripts, written in the
/// chunks and at the pace the script says: for testing clients of streaming model servers (chunk
/// boundaries anywhere, comments, streams cut short) and for measuring them.
///
/// Each connection serves one request and is closed when its script ends (`Connection: close`), so a
/// response body may simply run until the close.
public final class FakeModelServer: Sendable {
    /// One step of a response.
    public enum Action: Sendable {
        /// Writes and flushes these bytes.
        case send([UInt8])
        /// Waits before the next action.
        case pause(milliseconds: Int)
        /// Calls back just before the next action (for timestamps).
        case call(@Sendable () -> Void)
    }

    /// A request as received.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        public var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    public typealias Script = @Sendable (Request) -> [Action]

    private let channel: any Channel
    private let received = Mutex<[Request]>([])
    public let port: Int

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    /// The API root to configure a client with: `http://127.0.0.1:PORT/v1`.
    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// Every request received so far.
    public var requests: [Request] { received.withLock { $0 } }

    /// Starts listening on a free loopback port.
    public static func start(script: @escaping Script) async throws -> FakeModelServer {
        let box = ServerBox()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture(withResultOf: {
                    try child.pipeline.syncOperations.addHandler(
                        RequestReader { request in
                            box.server.withLock { $0 }?.received.withLock { $0.append(request) }
                            let actions = script(request)
                            Task { await Self.play(actions, on: child) }
                        }
                    )
                })
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let server = FakeModelServer(channel: channel, port: channel.localAddress?.port ?? 0)
        box.server.withLock { $0 = server }
        return server
    }

    /// Stops listening (connections in progress finish their scripts).
    public func stop() async {
        try? await channel.close().get()
    }

    private static func play(_ actions: [Action], on channel: any Channel) async {
        for action in actions {
            switch action {
            case .send(let bytes):
                do {
                    try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
                } catch {
                    _ = try? await channel.close().get()
                    return
                }
            case .pause(let milliseconds):
                try? await Task.sleep(for: .milliseconds(milliseconds))
            case .call(let callback):
                callback()
            }
        }
        _ = try? await channel.close().get()
    }
}

private final class ServerBox: Sendable {
    let server = Mutex<FakeModelServer?>(nil)
}

/// Collects one HTTP/1.1 request (headers and a Content-Length body).
private final class RequestReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var buffer: [UInt8] = []
    private var done = false
    private let onRequest: (FakeModelServer.Request) -> Void

    init(onRequest: @escaping (FakeModelServer.Request) -> Void) {
        self.onRequest = onRequest
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        buffer.append(contentsOf: unwrapInboundIn(data).readableBytesView)
        guard let end = headerEnd() else { return }
        let head = String(decoding: buffer[..<end], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
        let bodyStart = end + 4
        guard buffer.count - bodyStart >= length else { return }
        done = true
        onRequest(
            FakeModelServer.Request(
                method: requestLine.first.map(String.init) ?? "",
                path: requestLine.dropFirst().first.map(String.init) ?? "",
                headers: headers,
                body: Array(buffer[bodyStart..<(bodyStart + length)])
            )
        )
    }

    private func headerEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4)
        where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }
}
