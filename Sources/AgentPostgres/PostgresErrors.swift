import AgentCore
import Foundation
import PostgresNIO

/// Words for what went wrong talking to PostgreSQL: the server's own message when it sent one, else what
/// the network said. PostgresNIO's errors describe themselves vaguely on purpose (their queries may hold
/// secrets); these never include a query, a bound value or the password.
enum PostgresErrors {
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as StoreError:
            return error.message
        case let error as NoAnswer:
            return "the PostgreSQL server did not answer within \(error.after.spoken)"
        case let error as PostgresTransactionError:
            if let inner = error.closureError ?? error.beginError ?? error.commitError { return describe(inner) }
            return "the transaction failed"
        case let error as PSQLError:
            return describe(error)
        case let error as NIOConnectionError:
            let reasons = error.connectionErrors.map { describe($0.error) }
            if let dns = error.dnsAAAAError ?? error.dnsAError, reasons.isEmpty {
                return "cannot resolve the host name (\(describe(dns)))"
            }
            return Array(Set(reasons)).sorted().joined(separator: "; ")
        case let error as IOError:
            return systemMessage(error.errnoCode)
        case let error as ChannelError:
            if case .connectTimeout(let amount) = error {
                return "no connection within \(Duration.nanoseconds(amount.nanoseconds).spoken)"
            }
            return "\(error)"
        case is CancellationError:
            return "cancelled"
        default:
            let nsError = error as NSError
            if nsError.domain == NSPOSIXErrorDomain { return systemMessage(Int32(nsError.code)) }
            return "\(error)"
        }
    }

    private static func describe(_ error: PSQLError) -> String {
        if let info = error.serverInfo, let message = info[.message] {
            var text = message
            if let detail = info[.detail] { text += " (\(detail))" }
            if let code = info[.sqlState] { text += " [SQLSTATE \(code)]" }
            return text
        }
        let underlying = error.underlying.map { ": " + describe($0) } ?? ""
        switch error.code {
        case .connectionError:
            return error.underlying.map(describe) ?? "cannot connect"
        case .serverClosedConnection:
            return "the server closed the connection" + underlying
        case .clientClosedConnection:
            return "the connection was closed" + underlying
        case .uncleanShutdown:
            return "the connection ended uncleanly" + underlying
        case .sslUnsupported:
            return "the server does not accept TLS connections, which this sslmode requires "
                + "(sslmode=disable or prefer connects without TLS)"
        case .failedToAddSSLHandler:
            return "cannot set up TLS" + underlying
        case .receivedUnencryptedDataAfterSSLRequest:
            return "the server answered the TLS request with unencrypted data"
        case .authMechanismRequiresPassword:
            return "the server asks for a password and the URL has none"
        case .unsupportedAuthMechanism:
            return "the server asks for an authentication method this client does not support" + underlying
        case .saslError:
            return "SCRAM authentication failed" + underlying
        case .poolClosed:
            return "the store is closed"
        case .queryCancelled:
            return "the query was cancelled"
        case .listenFailed:
            return "LISTEN failed" + underlying
        case .tooManyParameters:
            return "too many parameters in one statement"
        default:
            return "PostgreSQL client error \(error.code)" + underlying
        }
    }

    /// Whether the server itself refused (authentication, a missing database): it answered, so it is
    /// reachable.
    static func isServerRefusal(_ error: any Error) -> Bool {
        if let error = error as? PSQLError { return error.serverInfo != nil }
        return false
    }

    /// `strerror`, lower-cased as the rest of a message: "connection refused".
    static func systemMessage(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        guard let first = text.first else { return "error \(code)" }
        return first.lowercased() + text.dropFirst()
    }
}
