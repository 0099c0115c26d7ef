import AsyncHTTPClient
import NIOCore
import Synchronization

/// One HTTP client per timeout setting, made on first use and kept for the life of the process (a
/// client owns a connection pool; making one per call would give up keep-alive).
enum HTTPClients {
    private static let clients = Mutex<[Int: HTTPClient]>([:])

    /// A client whose connect timeout and read timeout (the longest silence while a reply streams)
    /// are `seconds`.
    static func client(timeoutSeconds seconds: Double) -> HTTPClient {
        let millis = max(1, Int(seconds * 1000))
        return clients.withLock { clients in
            if let client = clients[millis] { return client }
            var configuration = HTTPClient.Configuration(
                timeout: .init(connect: .milliseconds(Int64(millis)), read: .milliseconds(Int64(millis)))
            )
            configuration.httpVersion = .http1Only
            configuration.decompression = .disabled
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            clients[millis] = client
            return client
        }
    }
}
