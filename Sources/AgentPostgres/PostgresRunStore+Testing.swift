import AgentCore
import Foundation
import Logging
import PostgresNIO

/// Raw SQL for the package's tests (databases of their own, leases that expire, what the tables hold),
/// never for the service: values here are not bound, so only tests' own constants belong in `sql`.
extension PostgresRunStore {
    /// Runs each statement on its own connection to the database `url` names, outside any transaction
    /// (`CREATE DATABASE` and `DROP DATABASE` need that).
    package static func administer(url text: String, _ statements: [String]) throws(StoreError) {
        let url = try PostgresURL(parsing: text)
        let configuration: Configurations
        do {
            configuration = try Configurations(url, connectTimeout: .seconds(10))
        } catch {
            throw StoreError("cannot set up TLS: \(PostgresErrors.describe(error))")
        }
        let logger = Lease.quiet
        do {
            try blocking(within: .seconds(60)) {
                let connection = try await connect(configuration.connection, logger: logger)
                do {
                    for statement in statements {
                        _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).collect()
                    }
                } catch {
                    try? await connection.close()
                    throw error
                }
                try await connection.close()
            }
        } catch {
            throw storeError(error, "run \(statements.count) statements", server: describeServer(url))
        }
    }

    /// The rows `sql` selects, each column as text (cast them: `count(*)::text`), `nil` for NULL.
    package func texts(_ sql: String) throws(StoreError) -> [[String?]] {
        let logger = queryLogger
        return try connection("run a test statement") { connection in
            var rows: [[String?]] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) {
                rows.append(try row.map { cell in try cell.decode(String?.self) })
            }
            return rows
        }
    }
}
