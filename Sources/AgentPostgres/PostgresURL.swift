import AgentCore
import Foundation

/// A `postgres://` or `postgresql://` URL, as `--store` and the config's `store.url` take it:
/// `postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=MODE`.
///
/// The user and password are percent-decoded (a password with `@`, `:` or `/` is written `%40`, `%3A`,
/// `%2F`). The port defaults to 5432, the database to the user, `sslmode` to `prefer`. A host that starts
/// with `/` (percent-encoded: `%2Fvar%2Frun%2Fpostgresql`) is the directory of the server's Unix socket.
/// Any other query parameter is refused rather than ignored.
///
/// The password never appears in ``masked``, ``description`` or any error this type throws.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// How the connection is encrypted, as libpq's `sslmode` (without `allow` and `verify-ca`).
    public enum SSLMode: String, Sendable, CaseIterable {
        /// No TLS.
        case disable
        /// TLS when the server offers it, without checking its certificate; plain otherwise.
        case prefer
        /// TLS or no connection, without checking the server's certificate.
        case require
        /// TLS or no connection; the certificate must chain to the system's trust roots and name the host.
        case verifyFull = "verify-full"
    }

    public var user: String
    public var password: String?
    /// A host name or address, or the directory of a Unix socket (starting with `/`).
    public var host: String
    public var port: Int
    public var database: String
    public var sslMode: SSLMode
    private var maskedText: String

    /// The URL with its password replaced by `***`.
    public var masked: String { maskedText }

    public var description: String { maskedText }
    public var debugDescription: String { maskedText }

    /// Whether `option` names a PostgreSQL database rather than a file (`postgres://`, `postgresql://`).
    public static func isPostgres(_ option: String) -> Bool {
        let lowered = option.lowercased()
        return lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://")
    }

    /// Parses `text`; a ``StoreError`` says what is wrong without repeating the password.
    public init(parsing text: String) throws(StoreError) {
        guard let schemeEnd = text.range(of: "://") else {
            throw StoreError("A PostgreSQL URL starts with postgres:// or postgresql://")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "postgres" || scheme == "postgresql" else {
            let shown = scheme.count <= 20 ? "'\(scheme)://'" : "another scheme"
            throw StoreError("A PostgreSQL URL starts with postgres:// or postgresql://, not \(shown)")
        }
        let rest = text[schemeEnd.upperBound...]
        guard !rest.contains("#") else {
            throw StoreError("A PostgreSQL URL has no #fragment (percent-encode a '#' in the password as %23)")
        }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let afterAuthority = rest[authorityEnd...]

        // user:password@host:port, the host after the last '@' (an unencoded '@' in a password still works).
        var rawPassword: Substring?
        var userText = ""
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                userText = try Self.decode(userInfo[..<colon], "user name")
                rawPassword = userInfo[userInfo.index(after: colon)...]
            } else {
                userText = try Self.decode(userInfo, "user name")
            }
        }
        password = try rawPassword.map { raw throws(StoreError) in
            guard let decoded = String(raw).removingPercentEncoding else {
                throw StoreError("The password in the PostgreSQL URL has a bad percent-encoding")
            }
            return decoded
        }
        user = userText.isEmpty ? Self.defaultUser : userText

        var hostText = hostPort
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else {
                throw StoreError("The PostgreSQL URL's IPv6 host lacks its closing ']'")
            }
            hostText = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let after = hostPort[hostPort.index(after: close)...]
            if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else if !after.isEmpty {
                throw StoreError("The PostgreSQL URL has '\(after)' after its IPv6 host")
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            hostText = hostPort[..<colon]
            portText = hostPort[hostPort.index(after: colon)...]
        }
        let decodedHost = try Self.decode(hostText, "host")
        host = decodedHost.isEmpty ? "localhost" : decodedHost
        if let portText, !portText.isEmpty {
            guard let number = Int(portText), (1...65535).contains(number) else {
                let shown = portText.count <= 20 ? "'\(portText)'" : "given"
                throw StoreError("The port \(shown) in the PostgreSQL URL is not a number from 1 to 65535")
            }
            port = number
        } else {
            port = 5432
        }

        let queryStart = afterAuthority.firstIndex(of: "?")
        let path = afterAuthority[..<(queryStart ?? afterAuthority.endIndex)]
        let databaseText = try Self.decode(path.drop { $0 == "/" }, "database name")
        guard !databaseText.contains("/") else {
            throw StoreError("The PostgreSQL URL's path is one database name, not '\(databaseText)'")
        }
        database = databaseText.isEmpty ? user : databaseText

        var mode = SSLMode.prefer
        if let queryStart {
            let query = afterAuthority[afterAuthority.index(after: queryStart)...]
            for item in query.split(separator: "&") where !item.isEmpty {
                let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = try Self.decode(pair[0], "parameter name")
                let value = try Self.decode(pair.count > 1 ? pair[1] : "", "parameter value")
                guard key == "sslmode" else {
                    throw StoreError(
                        "The PostgreSQL URL has the parameter '\(key)', which agentwire does not support "
                            + "(the only one is sslmode=disable|prefer|require|verify-full)"
                    )
                }
                guard let parsed = SSLMode(rawValue: value) else {
                    throw StoreError(
                        "sslmode '\(value)' in the PostgreSQL URL is not one of "
                            + SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
                    )
                }
                mode = parsed
            }
        }
        sslMode = mode

        var masked = String(text[..<schemeEnd.upperBound])
        if let rawPassword, let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            masked += String(userInfo[..<rawPassword.startIndex]) + "***" + String(authority[at...])
        } else {
            masked += String(authority)
        }
        maskedText = masked + String(afterAuthority)
    }

    /// Where the server is, for messages: `host:port`, `[v6]:port`, or the socket's path.
    public var location: String {
        if let socket = unixSocketPath { return socket }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The socket file when ``host`` is a directory (libpq's `.s.PGSQL.PORT` in it).
    var unixSocketPath: String? {
        guard host.hasPrefix("/") else { return nil }
        return (host as NSString).appendingPathComponent(".s.PGSQL.\(port)")
    }

    /// The same server and credentials with another database (tests create databases of their own).
    func with(database: String) -> PostgresURL {
        var copy = self
        copy.database = database
        return copy
    }

    private static var defaultUser: String {
        ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? NSUserName()
    }

    private static func decode(_ text: Substring, _ what: String) throws(StoreError) -> String {
        guard let decoded = String(text).removingPercentEncoding else {
            throw StoreError("The \(what) in the PostgreSQL URL has a bad percent-encoding")
        }
        return decoded
    }
}
