import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A TCP forwarder on loopback: it listens on 127.0.0.1 (a free port) and joins each connection it accepts
/// to `host:port`, both ways, on threads of its own. It stands between a server and its database so a test
/// can take the database away and give it back:
/// - ``cut()`` ends every open connection at once and resets new ones as soon as they are accepted, as a
///   database that went away would;
/// - ``restore()`` forwards new connections again, on the same port;
/// - ``stop()`` ends everything and waits for its threads.
final class TCPForwarder: @unchecked Sendable {
    /// The loopback port it listens on.
    let port: UInt16
    private let targetHost: String
    private let targetPort: Int
    private let listener: Int32
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var pairs: [Int: Pair] = [:]
    private var nextPair = 0
    private var forwarded = 0
    private var refusing = false
    private var stopping = false
    private var runningThreads = 0

    /// Both sockets of one forwarded connection, and how many of its two pumps still run (the last one
    /// closes the sockets, so a descriptor is never shut down after it was closed and reused).
    private struct Pair {
        var client: Int32
        var server: Int32
        var pumps = 2
    }

    init(to host: String, port targetPort: Int) throws {
        targetHost = host
        self.targetPort = targetPort
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ForwarderError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(fd, address, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, address, &length) == 0
            }
        }
        guard bound else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ForwarderError("cannot listen on 127.0.0.1: \(reason)")
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        runningThreads = 1
        let thread = Thread { [self] in acceptConnections() }
        thread.name = "tcp-forwarder-accept"
        thread.start()
    }

    /// Connections forwarded to the target so far.
    var forwardedConnections: Int { condition.withLock { forwarded } }

    /// Connections forwarded now.
    var openConnections: Int { condition.withLock { pairs.count } }

    /// Ends every open connection at once; connections accepted from now on are reset at once.
    func cut() {
        condition.withLock {
            refusing = true
            for pair in pairs.values {
                shutdown(pair.client, Int32(SHUT_RDWR))
                shutdown(pair.server, Int32(SHUT_RDWR))
            }
        }
    }

    /// Forwards new connections again.
    func restore() {
        condition.withLock { refusing = false }
    }

    /// Ends every connection, stops listening, and returns once its threads have ended. Calling it again
    /// does nothing.
    func stop() {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return }
        stopping = true
        refusing = true
        for pair in pairs.values {
            shutdown(pair.client, Int32(SHUT_RDWR))
            shutdown(pair.server, Int32(SHUT_RDWR))
        }
        while runningThreads > 0 { condition.wait() }
        close(listener)
    }

    // MARK: Threads

    private func acceptConnections() {
        defer { threadEnded() }
        while !condition.withLock({ stopping }) {
            // Polls, so `stop()` is noticed within 50 ms without closing the socket under this thread.
            var ready = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 50) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            guard !condition.withLock({ refusing }), let server = connectToTarget() else {
                reset(client)
                continue
            }
            let id: Int? = condition.withLock {
                // A cut while connecting: this one is refused as well.
                guard !refusing else { return nil }
                defer { nextPair += 1 }
                pairs[nextPair] = Pair(client: client, server: server)
                forwarded += 1
                runningThreads += 2
                return nextPair
            }
            guard let id else {
                reset(client)
                close(server)
                continue
            }
            for (from, to) in [(client, server), (server, client)] {
                let pump = Thread { [self] in copy(pair: id, from: from, to: to) }
                pump.name = "tcp-forwarder-pump"
                pump.start()
            }
        }
    }

    /// Copies what `from` receives to `to` until either side ends; then ends both.
    private func copy(pair id: Int, from: Int32, to: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        copying: while true {
            let count = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            var offset = 0
            while offset < count {
                let written = buffer.withUnsafeBytes {
                    send(to, $0.baseAddress! + offset, count - offset, Int32(MSG_NOSIGNAL))
                }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { break copying }
                offset += written
            }
        }
        condition.withLock {
            guard var pair = pairs[id] else { return }
            shutdown(pair.client, Int32(SHUT_RDWR))
            shutdown(pair.server, Int32(SHUT_RDWR))
            pair.pumps -= 1
            if pair.pumps == 0 {
                close(pair.client)
                close(pair.server)
                pairs[id] = nil
            } else {
                pairs[id] = pair
            }
        }
        threadEnded()
    }

    private func threadEnded() {
        condition.withLock {
            runningThreads -= 1
            condition.broadcast()
        }
    }

    /// A new connection to the target, or `nil` when it cannot be reached.
    private func connectToTarget() -> Int32? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(targetHost, String(targetPort), &hints, &found) == 0, let found else { return nil }
        defer { freeaddrinfo(found) }
        var entry: UnsafeMutablePointer<addrinfo>? = found
        while let current = entry?.pointee {
            let fd = socket(current.ai_family, current.ai_socktype, current.ai_protocol)
            if fd >= 0 {
                if connect(fd, current.ai_addr, current.ai_addrlen) == 0 { return fd }
                close(fd)
            }
            entry = current.ai_next
        }
        return nil
    }

    /// Closes `fd` with a reset rather than an orderly end: the peer's next read fails at once.
    private func reset(_ fd: Int32) {
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        close(fd)
    }
}

struct ForwarderError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
