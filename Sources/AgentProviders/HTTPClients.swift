import AsyncHTTPClient
import NIOCore
import Synchronization

/// One HTTP client per timeout setting, made on first use and kept for the life of the process (a
/// client owns a connection pool; making one per call would give up keep-alive).
enum HTTPClients {
    private static let clients = Mutex<[Int: HTTPClient]>([:])

    /// Connecting gets at most this long per attempt: a server that is down is reported in seconds (the
    /// client keeps retrying a refused connection until this runs out).
    static let maxConnectMilliseconds = 5_000

    /// A client whose read timeout (the longest silence while a reply streams) is `seconds`, and whose
    /// connect timeout is the same or ``maxConnectMilliseconds``, whichever is shorter.
    static func client(timeoutSeconds seconds: Double) -> HTTPClient {
        let millis = max(1, Int(seconds * 1000))
        return clients.withLock { clients in
            if let client = clients[millis] { return client }
            let connect = min(millis, maxConnectMilliseconds)
            var configuration = HTTPClient.Configuration(
                timeout: .init(connect: .milliseconds(Int64(connect)), read: .milliseconds(Int64(millis)))
            )
            configuration.httpVersion = .http1Only
            configuration.decompression = .disabled
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            clients[millis] = client
            return client
        }
    }
}
