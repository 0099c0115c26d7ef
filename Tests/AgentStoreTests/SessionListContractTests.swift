import AgentCore
import AgentStore
import Foundation
import Testing

/// ``RunStore/listSessions(_:)``, the same for every store: newest first by creation time then id, turn
/// counts, and pages that continue after the previous one's last session.
@Suite struct SessionListContractTests {
    @Test(arguments: StoreKind.allCases) func pagesCoverEverySessionOnceNewestFirst(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        // Two share a creation time: the greater id comes first.
        let dates = [0, 5, 5, 9, 2, 7].map { base.addingTimeInterval(Double($0) + 0.25) }
        for (index, date) in dates.enumerated() {
            try store.insertSession(StoredSession(id: "ses_\(index)", agent: "agent\(index)", createdAt: date))
            for turn in 0..<index {
                try store.appendTurn(sessionId: "ses_\(index)", turn: Turn(input: "\(turn)", output: ""))
            }
        }
        var seen: [SessionSummary] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try store.listSessions(SessionQuery(limit: 4, cursor: cursor))
            #expect(page.sessions.count <= 4)
            seen += page.sessions
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil
        #expect(pages == 2)
        #expect(seen.map(\.id) == ["ses_3", "ses_5", "ses_2", "ses_1", "ses_4", "ses_0"])
        #expect(seen.map(\.turns) == [3, 5, 2, 1, 4, 0])
        #expect(seen.first?.agent == "agent3")
        #expect(seen.first?.createdAt == dates[3])

        // A session created before the cursor's position is not in later pages; a deleted one leaves no gap.
        let first = try store.listSessions(SessionQuery(limit: 2))
        try store.insertSession(StoredSession(id: "ses_new", agent: "a", createdAt: base.addingTimeInterval(100)))
        #expect(try store.deleteSession("ses_2"))
        let second = try store.listSessions(SessionQuery(limit: 2, cursor: first.nextCursor))
        #expect(second.sessions.map(\.id) == ["ses_1", "ses_4"])

        // Across a reopen, the same listing.
        let reopened = try fixture.reopen()
        #expect(try reopened.listSessions(SessionQuery(limit: 500)).sessions.map(\.id).first == "ses_new")
    }

    @Test(arguments: StoreKind.allCases) func limitIsClampedAndBadCursorsRejected(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        for index in 0..<3 {
            try store.insertSession(
                StoredSession(id: "s\(index)", agent: "echo", createdAt: base.addingTimeInterval(Double(index)))
            )
        }
        #expect(try store.listSessions(SessionQuery(limit: 0)).sessions.count == 1)
        #expect(try store.listSessions(SessionQuery(limit: 10_000)).sessions.count == 3)
        #expect(try store.listSessions(SessionQuery(limit: 3)).nextCursor == nil)
        #expect(throws: StoreError.self) { try store.listSessions(SessionQuery(cursor: "not a cursor")) }
        #expect(try MemoryRunStore().listSessions(SessionQuery()) == SessionPage(sessions: [], nextCursor: nil))
    }
}
