import Foundation

/// Where a page of ``RunStore/listRuns(_:)`` ended: the last run's start and id. Runs are listed newest
/// first by `(startedAt, id)`, ids compared byte by byte (UTF-8, as SQLite's `BINARY` collation), so the
/// next page holds the runs that sort strictly after it: no duplicates and no gaps, even when runs are
/// added or removed between pages.
public struct RunCursor: Sendable, Hashable {
    public var startedAt: Date
    public var id: String

    public init(startedAt: Date, id: String) {
        self.startedAt = startedAt
        self.id = id
    }

    public init(of run: StoredRun) {
        self.init(startedAt: run.startedAt, id: run.id)
    }

    /// Decodes ``encoded``; anything else is a ``StoreError``.
    public init(encoded: String) throws(StoreError) {
        var base64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8),
            let colon = text.firstIndex(of: ":"), let seconds = Double(text[..<colon]), seconds.isFinite
        else {
            throw StoreError("Invalid cursor '\(encoded)': pass the nextCursor of a previous page")
        }
        self.init(
            startedAt: Date(timeIntervalSinceReferenceDate: seconds),
            id: String(text[text.index(after: colon)...])
        )
    }

    /// Opaque text for ``RunPage/nextCursor``: base64url of `"<seconds since 2001>:<id>"`, the seconds
    /// as Swift prints a `Double` (the shortest text that reads back as the same value).
    public var encoded: String {
        Data("\(startedAt.timeIntervalSinceReferenceDate):\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Whether this position comes before `other` when listing newest first: it started later, or at
    /// the same instant with a greater id.
    public func sortsBefore(_ other: RunCursor) -> Bool {
        if startedAt != other.startedAt { return startedAt > other.startedAt }
        return other.id.utf8.lexicographicallyPrecedes(id.utf8)
    }

    /// Page sizes run stores accept: 1...500.
    public static func clampedLimit(_ limit: Int) -> Int { min(max(limit, 1), 500) }
}
