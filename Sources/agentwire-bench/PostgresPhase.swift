import Dispatch
import JSONCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The PostgreSQL run store, shared by several servers: its cost on the token path (as the store phase
/// measures SQLite's), many short runs from two servers at once, and how long a cancel and a follow take to
/// cross from one server to another through the database.
enum PostgresPhase {
    /// Where the URL comes from when `--postgres-url` is not given, in order.
    static let environmentVariables = ["AGENTWIRE_BENCH_POSTGRES_URL", "AGENTWIRE_TEST_POSTGRES_URL"]

    /// What the phase runs; the counts come from the bench's options.
    struct Plan {
        var url: String
        /// Words of each token run (the token phase's `--words`), and token runs with each store.
        var words: Int
        var reps: Int
        var countOnly: Bool
        /// Short echo runs in all, split between the two servers, and how many each keeps in flight.
        var runs: Int
        var inFlight: Int
        /// Cross-server cancels, and the per-token delay of the run cancelled.
        var cancels: Int
        var cancelDelayMs: Int
        /// Runs followed from the other server, their words and per-token delay.
        var follows: Int
        var followWords: Int
        var followDelayMs: Int
        var timeout: Double
    }

    /// The slow echo agents of the cancel and follow parts (the config file the servers read).
    static let cancelAgent = "slow"
    static let followAgent = "tail"

    static func measure(binary: String, plan: Plan) throws(BenchError) -> PostgresFigures {
        let storeArguments = ["--store", plan.url, "--retain-days", "0"]
        let database = maskedURL(plan.url)
        let tokens = try tokenRuns(binary: binary, plan: plan, storeArguments: storeArguments)
        let bulk = try bulkRuns(binary: binary, plan: plan, storeArguments: storeArguments)

        let directory = try TemporaryDirectory()
        let configPath = directory.path + "/postgres.json"
        defer {
            unlink(configPath)
            directory.remove()
        }
        let config: JSONValue = [
            "agents": [
                cancelAgent: ["provider": ["type": "echo", "delayMs": .int(plan.cancelDelayMs)]],
                followAgent: ["provider": ["type": "echo", "delayMs": .int(plan.followDelayMs)]],
            ]
        ]
        try ServerProcess.writeFile(configPath, Array(config.jsonString.utf8))
        let configured = ["--config", configPath] + storeArguments
        let cancel = try cancelRuns(binary: binary, plan: plan, arguments: configured)
        let follow = try followRuns(binary: binary, plan: plan, arguments: configured)
        return PostgresFigures(
            database: database,
            words: plan.words,
            memory: tokens.memory,
            postgres: tokens.postgres,
            bulk: bulk,
            cancel: cancel,
            follow: follow
        )
    }

    // MARK: Token throughput

    /// The token phase with `--store memory` and with the database, alternately.
    private static func tokenRuns(
        binary: String,
        plan: Plan,
        storeArguments: [String]
    ) throws(BenchError) -> (memory: [TokenFigures], postgres: [TokenFigures]) {
        var memory: [TokenFigures] = []
        var postgres: [TokenFigures] = []
        func run(_ arguments: [String]) throws(BenchError) -> TokenFigures {
            try TokenPhase.measure(
                binary: binary,
                words: plan.words,
                countOnly: plan.countOnly,
                timeout: plan.timeout,
                serverArguments: arguments
            )
        }
        for rep in 0..<plan.reps {
            if rep % 2 == 0 {
                memory.append(try run(ServerProcess.memoryStore))
                postgres.append(try explained(plan.url) { () throws(BenchError) in try run(storeArguments) })
            } else {
                postgres.append(try explained(plan.url) { () throws(BenchError) in try run(storeArguments) })
                memory.append(try run(ServerProcess.memoryStore))
            }
        }
        return (memory, postgres)
    }

    // MARK: Many runs from two servers

    private struct Driven: Sendable {
        var runIds: [String]
        var start: UInt64
        var end: UInt64
    }

    /// `plan.runs` short echo runs, half through each of two servers on the database at once, each keeping
    /// `plan.inFlight` in flight; then every run's status read back from the first server.
    private static func bulkRuns(
        binary: String,
        plan: Plan,
        storeArguments: [String]
    ) throws(BenchError) -> PostgresBulkFigures {
        let (a, b) = try pair(binary: binary, plan: plan, arguments: storeArguments)
        let shares = [plan.runs - plan.runs / 2, plan.runs / 2]
        let outcomes = Locked<[Int: Result<Driven, BenchError>]>([:])
        let group = DispatchGroup()
        for (index, client) in [a, b].enumerated() {
            let runs = shares[index]
            let inFlight = plan.inFlight
            let timeout = plan.timeout
            group.enter()
            startThread {
                let outcome = Result { () throws(BenchError) in
                    try drive(client, runs: runs, inFlight: inFlight, timeout: timeout)
                }
                outcomes.withLock { $0[index] = outcome }
                group.leave()
            }
        }
        group.wait()
        let results = outcomes.withLock { $0 }
        var driven: [Driven] = []
        for index in 0..<2 {
            switch results[index] {
            case .success(let d)?: driven.append(d)
            case .failure(let error)?:
                throw explain(error, [a, b], "server \(index == 0 ? "A" : "B") of the two")
            case nil: throw BenchError("a driver thread did not report")
            }
        }
        let start = driven.map(\.start).min() ?? 0
        let end = driven.map(\.end).max() ?? 0
        let runIds = driven.flatMap(\.runIds)
        guard Set(runIds).count == plan.runs else {
            throw BenchError("\(Set(runIds).count) distinct run ids for \(plan.runs) runs")
        }
        let check = try checkCompleted(a, runIds: runIds, timeout: plan.timeout)
        _ = try a.finish()
        _ = try b.finish()
        return PostgresBulkFigures(
            runs: plan.runs,
            inFlight: plan.inFlight,
            seconds: Double(end - start) / 1e9,
            serverSeconds: driven.map { Double($0.end - $0.start) / 1e9 },
            checkMs: check.ms,
            checkRounds: check.rounds
        )
    }

    /// Sends `runs` echo runs through one server, `inFlight` at a time; the run ids of their results.
    private static func drive(
        _ client: StampedClient,
        runs: Int,
        inFlight: Int,
        timeout: Double
    ) throws(BenchError) -> Driven {
        var sent = 0
        var pending: Set<Int> = []
        var runIds: [String] = []
        runIds.reserveCapacity(runs)
        let start = now()
        var end = start
        func sendOne() throws(BenchError) {
            pending.insert(try client.send("agent/run", ["agent": "echo", "input": "hello brave new world"]))
            sent += 1
        }
        while sent < min(inFlight, runs) { try sendOne() }
        let notification = Array(#"{"jsonrpc":"2.0","method":"#.utf8)
        while runIds.count < runs {
            let line = try client.feed.next(within: timeout)
            if line.bytes.starts(with: notification) { continue }
            let message = try Wire.parse(line.bytes)
            guard let id = message["id"]?.integerValue, pending.remove(Int(id)) != nil else {
                throw BenchError("an unexpected message: \(String(message.jsonString.prefix(300)))")
            }
            guard let result = message["result"], result["stopReason"]?.stringValue == "end_turn",
                let runId = result["runId"]?.stringValue
            else {
                throw BenchError("agent/run failed: \(String(message.jsonString.prefix(300)))")
            }
            runIds.append(runId)
            end = line.at
            if sent < runs { try sendOne() }
        }
        return Driven(runIds: runIds, start: start, end: end)
    }

    /// Reads every run's status from `client`, 64 requests in flight, until all are `completed` (a run the other
    /// server answered may be written up to a flush interval later); throws when some are not within 10 s.
    private static func checkCompleted(
        _ client: StampedClient,
        runIds: [String],
        timeout: Double
    ) throws(BenchError) -> (ms: Double, rounds: Int) {
        let start = now()
        let deadline = start + 10_000_000_000
        var remaining = runIds
        var rounds = 0
        while true {
            rounds += 1
            var notCompleted: [(runId: String, status: String)] = []
            var index = 0
            while index < remaining.count {
                var runOf: [Int: String] = [:]
                for runId in remaining[index..<min(index + 64, remaining.count)] {
                    runOf[try client.send("run/status", ["runId": .string(runId)])] = runId
                }
                while !runOf.isEmpty {
                    let (_, message) = try client.next(within: timeout)
                    guard message["method"] == nil else { continue }
                    guard let id = message["id"]?.integerValue, let runId = runOf.removeValue(forKey: Int(id)) else {
                        throw BenchError("an unexpected message: \(String(message.jsonString.prefix(300)))")
                    }
                    let status =
                        message["result"]?["status"]?.stringValue
                        ?? String((message["error"] ?? message).jsonString.prefix(200))
                    if status != "completed" { notCompleted.append((runId, status)) }
                }
                index += 64
            }
            if notCompleted.isEmpty { return (Double(now() - start) / 1e6, rounds) }
            if now() > deadline {
                let shown = notCompleted.prefix(3).map { "\($0.runId): \($0.status)" }.joined(separator: "; ")
                throw BenchError(
                    "\(runIds.count - notCompleted.count) of \(runIds.count) runs are completed in the store after "
                        + "10 s (run/status from server A); e.g. \(shown)"
                )
            }
            remaining = notCompleted.map(\.runId)
            usleep(100_000)
        }
    }

    // MARK: Cross-server cancel

    /// A slow run on server A, cancelled with `run/cancel` sent to server B, `plan.cancels` times: from the
    /// cancel's write to A's client reading the run's end.
    private static func cancelRuns(
        binary: String,
        plan: Plan,
        arguments: [String]
    ) throws(BenchError) -> PostgresCancelFigures {
        let (a, b) = try pair(binary: binary, plan: plan, arguments: arguments)
        let timeout = plan.timeout
        // Far longer than the wait for it: a run that is not cancelled is still streaming when the wait ends.
        let input = words(max(3000, Int(timeout * 1000) / max(plan.cancelDelayMs, 1) + 100))
        var figures = PostgresCancelFigures(delayMs: plan.cancelDelayMs)
        try measured([a, b]) { () throws(BenchError) in
            for _ in 0..<plan.cancels {
                let request = try a.send("agent/run", ["agent": .string(cancelAgent), "input": .string(input)])
                let (runId, startedAt) = try started(a, request: request, tokens: 3, timeout: timeout)
                figures.visibleMs.append(try waitUntilRunning(b, runId: runId, since: startedAt, timeout: timeout))

                let sentAt = now()
                let cancel = try b.send("run/cancel", ["runId": .string(runId)])
                var stepAt: UInt64?
                let (responseAt, response) = try a.reply(to: request, within: timeout) { at, message in
                    if message["method"]?.stringValue == "run/step", message["params"]?["runId"]?.stringValue == runId,
                        message["params"]?["status"]?.stringValue == "cancelled", stepAt == nil
                    {
                        stepAt = at
                    }
                }
                guard response["result"]?["stopReason"]?.stringValue == "cancelled" else {
                    throw BenchError("the cancelled run answered \(String(response.jsonString.prefix(300)))")
                }
                let (replyAt, reply) = try b.reply(to: cancel, within: timeout)
                guard reply["result"]?["cancelled"]?.boolValue == true else {
                    throw BenchError("run/cancel on server B answered \(String(reply.jsonString.prefix(300)))")
                }
                figures.latencyMs.append(Double(min(stepAt ?? responseAt, responseAt) - sentAt) / 1e6)
                figures.responseMs.append(Double(responseAt - sentAt) / 1e6)
                figures.replyMs.append(Double(replyAt - sentAt) / 1e6)
            }
        }
        _ = try a.finish()
        _ = try b.finish()
        return figures
    }

    // MARK: Cross-server follow

    /// A run streaming on server A, followed from server B with `run/events {follow: true}` as soon as B sees
    /// it: each token's time on B's client minus its time on A's client, for the tokens A produced after the
    /// follow was asked for (earlier ones are replayed from the store, not woken).
    private static func followRuns(
        binary: String,
        plan: Plan,
        arguments: [String]
    ) throws(BenchError) -> PostgresFollowFigures {
        let (a, b) = try pair(binary: binary, plan: plan, arguments: arguments)
        let timeout = plan.timeout
        let input = words(plan.followWords)
        var figures = PostgresFollowFigures(
            runs: plan.follows,
            words: plan.followWords,
            delayMs: plan.followDelayMs
        )
        try measured([a, b]) { () throws(BenchError) in
            for _ in 0..<plan.follows {
                let request = try a.send("agent/run", ["agent": .string(followAgent), "input": .string(input)])
                var onA: [Int64: UInt64] = [:]
                func token(_ at: UInt64, _ message: JSONValue, _ runId: String, into times: inout [Int64: UInt64]) {
                    guard message["method"]?.stringValue == "run/token", let params = message["params"],
                        params["runId"]?.stringValue == runId, let seq = params["seq"]?.integerValue
                    else { return }
                    times[seq] = at
                }
                let (runId, startedAt) = try started(a, request: request, tokens: 0, timeout: timeout)
                // A's tokens until B sees the run: read below, from the feed, which stamped them as they came.
                _ = try waitUntilRunning(b, runId: runId, since: startedAt, timeout: timeout)
                let followSentAt = now()
                let follow = try b.send("run/events", ["runId": .string(runId), "follow": true])
                let (_, response) = try a.reply(to: request, within: timeout) { at, message in
                    token(at, message, runId, into: &onA)
                }
                guard response["result"]?["stopReason"]?.stringValue == "end_turn" else {
                    throw BenchError("the followed run answered \(String(response.jsonString.prefix(300)))")
                }
                var onB: [Int64: UInt64] = [:]
                let (_, reply) = try b.reply(to: follow, within: timeout) { at, message in
                    token(at, message, runId, into: &onB)
                }
                guard reply["result"] != nil else {
                    throw BenchError("run/events follow on server B answered \(String(reply.jsonString.prefix(300)))")
                }
                guard onA.count == plan.followWords, Set(onB.keys) == Set(onA.keys) else {
                    throw BenchError(
                        "server A's client read \(onA.count) run/token lines for \(plan.followWords) words; B's follow "
                            + "\(onB.count), \(Set(onA.keys).subtracting(onB.keys).count) of A's seqs missing"
                    )
                }
                for (seq, aAt) in onA where aAt >= followSentAt {
                    figures.latencyMs.append((Double(onB[seq]!) - Double(aAt)) / 1e6)
                }
                figures.replayed += onA.values.filter { $0 < followSentAt }.count
            }
        }
        _ = try a.finish()
        _ = try b.finish()
        guard !figures.latencyMs.isEmpty else {
            throw BenchError("every token was replayed: none streamed after the follow began (raise the words)")
        }
        return figures
    }

    // MARK: Helpers

    /// Two servers on the database, A and B.
    private static func pair(
        binary: String,
        plan: Plan,
        arguments: [String]
    ) throws(BenchError) -> (StampedClient, StampedClient) {
        try explained(plan.url) { () throws(BenchError) in
            let a = try StampedClient(binary: binary, timeout: plan.timeout, arguments: arguments)
            let b = try StampedClient(binary: binary, timeout: plan.timeout, arguments: arguments)
            return (a, b)
        }
    }

    /// Reads A until its run of request `request` has started and streamed `tokens` tokens; its id and
    /// when `run/started` was read.
    private static func started(
        _ client: StampedClient,
        request: Int,
        tokens: Int,
        timeout: Double
    ) throws(BenchError) -> (runId: String, at: UInt64) {
        var runId: String?
        var startedAt: UInt64 = 0
        var seen = 0
        while runId == nil || seen < tokens {
            let (at, message) = try client.next(within: timeout)
            guard let method = message["method"]?.stringValue else {
                throw BenchError(
                    "the run answered before it could be cancelled or followed: \(String(message.jsonString.prefix(300)))"
                )
            }
            let params = message["params"]
            if method == "run/started", params?["requestId"]?.integerValue == Int64(request) {
                runId = params?["runId"]?.stringValue
                startedAt = at
            } else if method == "run/token", let runId, params?["runId"]?.stringValue == runId {
                seen += 1
            }
        }
        return (runId!, startedAt)
    }

    /// Asks B for the run's status every 5 ms until it reads `running`; how long after A's `run/started` it
    /// did, in ms.
    private static func waitUntilRunning(
        _ client: StampedClient,
        runId: String,
        since: UInt64,
        timeout: Double
    ) throws(BenchError) -> Double {
        let deadline = now() + UInt64(timeout * 1e9)
        while true {
            let id = try client.send("run/status", ["runId": .string(runId)])
            let (at, reply) = try client.reply(to: id, within: timeout)
            let status = reply["result"]?["status"]?.stringValue
            if status == "running" { return Double(at - since) / 1e6 }
            if let status {
                throw BenchError("server B reads run \(runId) as \(status) before it was cancelled or followed")
            }
            // Not in the store yet (-32001 until A's recorder writes it).
            if now() > deadline {
                throw BenchError("server B never read run \(runId) from the store: \(reply.jsonString.prefix(300))")
            }
            usleep(5000)
        }
    }

    /// Runs `body`, turning what a watchdog kill of either server causes into its time-out report.
    private static func measured(
        _ clients: [StampedClient],
        _ body: () throws(BenchError) -> Void
    ) throws(BenchError) {
        do {
            try body()
        } catch {
            throw explain(error, clients, nil)
        }
    }

    private static func explain(_ error: BenchError, _ clients: [StampedClient], _ context: String?) -> BenchError {
        // A session explains an error as a time-out when its watchdog killed the server.
        for client in clients {
            do throws(BenchError) {
                try client.session.measure { () throws(BenchError) -> Void in throw error }
            } catch let explained {
                if explained.description != error.description { return explained }
            }
        }
        return context.map { BenchError("\($0): \(error)") } ?? error
    }

    /// A server that cannot start against the database usually cannot reach it; the URL (masked) says which.
    private static func explained<T>(_ url: String, _ body: () throws(BenchError) -> T) throws(BenchError) -> T {
        do {
            return try body()
        } catch {
            throw BenchError(
                "\(error) (with --store \(maskedURL(url)); `agentwire serve --store URL` shows the server's own error)"
            )
        }
    }

    /// "w1 w2 … wN".
    static func words(_ count: Int) -> String {
        var text = ""
        text.reserveCapacity(count * 6)
        for i in 1...max(count, 1) {
            if i > 1 { text += " " }
            text += "w\(i)"
        }
        return text
    }

    /// The URL with its password replaced by `***`, for the report.
    static func maskedURL(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return url }
        let user = rest[..<at]
        guard let colon = user.firstIndex(of: ":") else { return url }
        return String(url[..<scheme.upperBound]) + user[..<colon] + ":***" + rest[at...]
    }
}
