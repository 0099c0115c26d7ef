/// Table rows and JSON members of the idle, streams and slow-client phases.
extension Report {
    static func status(_ met: Bool) -> String { met ? "ok" : "MISSED" }

    static func idleRows(_ result: Result<IdleFigures, BenchError>?) -> [[String]] {
        switch result {
        case .success(let f)?:
            return [
                [
                    "idle RSS after initialize and a ping, --store memory (median of \(f.memoryStore.count))",
                    Int(f.median).megabytes, "< \(Targets.idleRSSBytes.megabytes)", status(f.meetsTarget),
                ],
                ["  the same with a SQLite store file", Int(f.sqliteMedian).megabytes, "", ""],
            ]
        case .failure(let e)?: return [["idle RSS", "FAILED", "", e.description]]
        case nil: return []
        }
    }

    static func streamsRows(_ result: Result<StreamsFigures, BenchError>?) -> [[String]] {
        switch result {
        case .success(let f)?:
            let n = Format.grouped(f.streams)
            let added = f.addedUs
            let sleep = f.sleepOvershootUs
            func ms(_ us: Double) -> String { Format.fixed(us / 1000, 2) }
            return [
                [
                    "\(n) echo streams at \(1000 / max(f.delayMs, 1)) tokens/s, one connection: server CPU over \(Format.fixed(f.windowSeconds, 0)) s",
                    Format.fixed(f.cpuPercent, 1) + " % of a core", "< \(Format.grouped(Targets.streamsCPUPercent)) %",
                    status(f.meetsCPU),
                ],
                [
                    "  added latency per token p50 / p99 (gap to the run's previous token − \(f.delayMs) ms)",
                    "\(ms(added.percentile(50))) / \(ms(added.percentile(99))) ms",
                    "p99 < \(Format.fixed(Targets.addedLatencyP99Ms, 0)) ms", status(f.meetsLatency),
                ],
                [
                    "  Task.sleep(\(f.delayMs) ms) lateness in the bench alone, \(n) sleepers, p50 / p99",
                    "\(ms(sleep.percentile(50))) / \(ms(sleep.percentile(99))) ms", "", "",
                ],
                [
                    "  tokens read in the window; runs answered (\(Format.grouped(f.runWords)) words each)",
                    "\(Format.grouped(f.tokensPerSecond)) /s; \(Format.grouped(f.runsInWindow))", "", "",
                ],
                [
                    "  server RSS after \(Format.fixed(f.warmupSeconds, 0)) s warm-up / at the end / max",
                    "\(f.rssAfterWarmup.megabytes) / \(f.rssEnd.megabytes) / \(f.rssMax.megabytes) "
                        + "(\(f.rssChangePercent >= 0 ? "+" : "")\(Format.fixed(f.rssChangePercent, 1)) %)",
                    "within ± \(Format.grouped(Targets.rssFlatPercent)) %", status(f.rssFlat),
                ],
                [
                    "  of which heap and stacks (RssAnon) after warm-up / at the end",
                    "\((f.anonymousRSS.first ?? 0).megabytes) / \((f.anonymousRSS.last ?? 0).megabytes)", "", "",
                ],
            ]
        case .failure(let e)?: return [["concurrent streams", "FAILED", "", e.description]]
        case nil: return []
        }
    }

    static func slowClientRows(_ result: Result<SlowClientFigures, BenchError>?) -> [[String]] {
        switch result {
        case .success(let f)?:
            return [
                [
                    "slow client: server peak RSS growth, not read for \(Format.fixed(f.stallSeconds, 0)) s − read along "
                        + "(one \(Format.grouped(f.words))-word run, --max-queued-bytes \(f.maxQueuedBytes.megabytes))",
                    f.stallCost.megabytes, "≤ \(f.maxQueuedBytes.megabytes)", status(f.meetsTarget),
                ],
                [
                    "  peak RSS growth not read / read along",
                    "\(f.growth.megabytes) / \(f.promptGrowth.megabytes)", "", "",
                ],
                [
                    "  then read: run/token lines (all verified), MB in ms",
                    "\(Format.grouped(f.tokens)), \(f.bytesReceived.megabytes) in \(Format.ms(f.drainSeconds * 1000)) ms",
                    "", "",
                ],
            ]
        case .failure(let e)?: return [["slow client", "FAILED", "", e.description]]
        case nil: return []
        }
    }

    static func idleJSON(_ f: IdleFigures) -> [(String, JSONOut)] {
        [
            ("memoryStoreRSSBytes", .array(f.memoryStore.map { .integer($0) })),
            ("sqliteStoreRSSBytes", .array(f.sqliteStore.map { .integer($0) })),
            ("medianRSSBytes", .integer(Int(f.median))), ("sqliteMedianRSSBytes", .integer(Int(f.sqliteMedian))),
            ("settleSeconds", .real(f.settleSeconds, digits: 1)),
            ("targetRSSBytes", .integer(Targets.idleRSSBytes)), ("meetsTarget", .bool(f.meetsTarget)),
        ]
    }

    static func streamsJSON(_ f: StreamsFigures) -> [(String, JSONOut)] {
        [
            ("streams", .integer(f.streams)), ("delayMs", .integer(f.delayMs)), ("runWords", .integer(f.runWords)),
            ("warmupSeconds", .real(f.warmupSeconds, digits: 1)), ("windowSeconds", .real(f.windowSeconds, digits: 3)),
            ("store", .string(f.store)),
            ("tokens", .integer(f.tokens)), ("tokensPerSecond", .real(f.tokensPerSecond, digits: 0)),
            ("runsInWindow", .integer(f.runsInWindow)), ("runsCompleted", .integer(f.runsCompleted)),
            ("serverCPUSeconds", .real(f.serverCPUSeconds, digits: 3)), ("cpuPercent", .real(f.cpuPercent, digits: 2)),
            ("addedLatencyP50Ms", .real(f.addedUs.percentile(50) / 1000, digits: 3)),
            ("addedLatencyP99Ms", .real(f.addedUs.percentile(99) / 1000, digits: 3)),
            ("addedLatencyMaxMs", .real(f.addedUs.maxUs / 1000, digits: 3)),
            ("sleepLatenessP50Ms", .real(f.sleepOvershootUs.percentile(50) / 1000, digits: 3)),
            ("sleepLatenessP99Ms", .real(f.sleepOvershootUs.percentile(99) / 1000, digits: 3)),
            ("rssBytes", .array(f.rss.map { .integer($0) })),
            ("rssAfterWarmupBytes", .integer(f.rssAfterWarmup)), ("rssEndBytes", .integer(f.rssEnd)),
            ("rssMaxBytes", .integer(f.rssMax)), ("rssChangePercent", .real(f.rssChangePercent, digits: 2)),
            ("rssFlat", .bool(f.rssFlat)),
            ("anonymousRSSBytes", .array(f.anonymousRSS.map { .integer($0) })),
            ("anonymousRSSAfterWarmupBytes", .integer(f.anonymousRSS.first ?? 0)),
            ("anonymousRSSEndBytes", .integer(f.anonymousRSS.last ?? 0)),
            ("targetCPUPercent", .real(Targets.streamsCPUPercent, digits: 0)), ("meetsCPUTarget", .bool(f.meetsCPU)),
            ("targetAddedLatencyP99Ms", .real(Targets.addedLatencyP99Ms, digits: 0)),
            ("meetsLatencyTarget", .bool(f.meetsLatency)),
        ]
    }

    static func slowClientJSON(_ f: SlowClientFigures) -> [(String, JSONOut)] {
        [
            ("words", .integer(f.words)), ("maxQueuedBytes", .integer(f.maxQueuedBytes)),
            ("stallSeconds", .real(f.stallSeconds, digits: 1)), ("baselineRSSBytes", .integer(f.baselineRSS)),
            ("peakStalledRSSBytes", .integer(f.peakStalledRSS)), ("growthBytes", .integer(f.growth)),
            ("promptBaselineRSSBytes", .integer(f.promptBaselineRSS)),
            ("promptPeakRSSBytes", .integer(f.promptPeakRSS)),
            ("promptGrowthBytes", .integer(f.promptGrowth)), ("stallCostBytes", .integer(f.stallCost)),
            ("pipeBytes", .integer(f.pipeBytes)), ("bytesReceived", .integer(f.bytesReceived)),
            ("tokens", .integer(f.tokens)), ("drainSeconds", .real(f.drainSeconds, digits: 3)),
            ("meetsTarget", .bool(f.meetsTarget)),
        ]
    }
}

/// Table rows and JSON members of the postgres phase.
extension Report {
    static func postgresRows(_ result: Result<PostgresFigures, BenchError>?, skipped: String?) -> [[String]] {
        if let skipped { return [["PostgreSQL run store", "skipped", "", skipped]] }
        switch result {
        case .success(let f)?:
            let n = "median of \(f.memory.count)"
            let bulk = f.bulk
            let cancel = f.cancel.latency
            let follow = f.follow.latency
            func ms(_ s: Summary) -> String {
                "\(Format.ms(s.median)) / \(Format.ms(s.percentile(90))) / \(Format.ms(s.max)) ms"
            }
            return [
                [
                    "tokens, --store memory (\(Format.grouped(f.words)) words, \(n))",
                    "\(Format.grouped(f.memoryTokensPerSecond.median)) /s", "", "",
                ],
                [
                    "tokens, --store postgres://… (\(Format.grouped(f.words)) words, \(n))",
                    "\(Format.grouped(f.postgresTokensPerSecond.median)) /s", "", "",
                ],
                [
                    "  PostgreSQL store cost, 1 − postgres / memory tokens/s", Format.fixed(f.costPercent, 1) + " %",
                    "< \(Format.grouped(Targets.postgresCostPercent)) %", status(f.meetsCostTarget),
                ],
                [
                    "  tokens/s memory, postgres (each run)",
                    f.memory.map { Format.grouped($0.tokensPerSecond) }.joined(separator: " ") + "; "
                        + f.postgres.map { Format.grouped($0.tokensPerSecond) }.joined(separator: " "),
                    "", "",
                ],
                [
                    "  server CPU memory / postgres (median)",
                    "\(Format.ms(f.memoryServerCPUSeconds.median * 1000)) / \(Format.ms(f.postgresServerCPUSeconds.median * 1000)) ms "
                        + "(\(f.serverCPUCostPercent >= 0 ? "+" : "")\(Format.fixed(f.serverCPUCostPercent, 1)) %)",
                    "", "",
                ],
                [
                    "\(Format.grouped(bulk.runs)) echo runs through 2 servers on one database (\(bulk.inFlight) in flight each)",
                    "\(Format.grouped(bulk.runsPerSecond)) runs/s", "", "",
                ],
                [
                    "  wall, all / server A / server B",
                    ([bulk.seconds] + bulk.serverSeconds).map { Format.ms($0 * 1000) }.joined(separator: " / ") + " ms",
                    "", "",
                ],
                [
                    "  completed in the store (run/status on server A, \(bulk.checkRounds) round\(bulk.checkRounds == 1 ? "" : "s"))",
                    "\(Format.grouped(bulk.runs)) / \(Format.grouped(bulk.runs)) in \(Format.ms(bulk.checkMs)) ms", "",
                    "",
                ],
                [
                    "cross-server cancel: run/cancel on B to the end of A's run on A's client, median (\(cancel.count) runs)",
                    Format.ms(cancel.median) + " ms", "≤ \(Format.grouped(Targets.postgresCancelMs)) ms",
                    status(f.meetsCancelTarget),
                ],
                ["  median / p90 / max", ms(cancel), "", ""],
                [
                    "  to A's response; to B's reply {cancelled: true} (median / p90 / max)",
                    ms(Summary(f.cancel.responseMs)) + "; " + ms(Summary(f.cancel.replyMs)), "", "",
                ],
                [
                    "  A's run/started to B reading the run as running (median / p90 / max)",
                    ms(Summary(f.cancel.visibleMs)), "", "",
                ],
                [
                    "cross-server follow: a token on B's run/events follow − on A's client, median "
                        + "(\(Format.grouped(follow.count)) tokens of \(f.follow.runs) runs at 1 per \(f.follow.delayMs) ms)",
                    Format.ms(follow.median) + " ms", "", "",
                ],
                ["  median / p90 / max", ms(follow), "", ""],
            ]
        case .failure(let e)?: return [["PostgreSQL run store", "FAILED", "", e.description]]
        case nil: return []
        }
    }

    static func postgresJSON(_ f: PostgresFigures) -> [(String, JSONOut)] {
        func summary(_ s: Summary) -> JSONOut {
            .object([
                ("count", .integer(s.count)), ("medianMs", .real(s.median, digits: 3)),
                ("p90Ms", .real(s.percentile(90), digits: 3)), ("maxMs", .real(s.max, digits: 3)),
                ("minMs", .real(s.min, digits: 3)),
            ])
        }
        func runs(_ figures: [TokenFigures]) -> JSONOut {
            .array(
                figures.map { r in
                    .object([
                        ("seconds", .real(r.seconds, digits: 6)),
                        ("tokensPerSecond", .real(r.tokensPerSecond, digits: 0)),
                        ("serverRunMs", r.serverRunMs.map { .integer($0) } ?? .null),
                        ("serverCPUSeconds", .real(r.cost.serverCPUSeconds, digits: 6)),
                    ])
                }
            )
        }
        let bulk = f.bulk
        return [
            ("database", .string(f.database)),
            ("words", .integer(f.words)), ("reps", .integer(f.memory.count)),
            ("memoryTokensPerSecond", .real(f.memoryTokensPerSecond.median, digits: 0)),
            ("postgresTokensPerSecond", .real(f.postgresTokensPerSecond.median, digits: 0)),
            ("costPercent", .real(f.costPercent, digits: 2)),
            ("memoryServerCPUSeconds", .real(f.memoryServerCPUSeconds.median, digits: 6)),
            ("postgresServerCPUSeconds", .real(f.postgresServerCPUSeconds.median, digits: 6)),
            ("serverCPUCostPercent", .real(f.serverCPUCostPercent, digits: 2)),
            ("targetCostPercent", .real(Targets.postgresCostPercent, digits: 0)),
            ("meetsCostTarget", .bool(f.meetsCostTarget)),
            ("memoryRuns", runs(f.memory)), ("postgresRuns", runs(f.postgres)),
            (
                "twoServers",
                .object([
                    ("runs", .integer(bulk.runs)), ("inFlightPerServer", .integer(bulk.inFlight)),
                    ("seconds", .real(bulk.seconds, digits: 6)),
                    ("runsPerSecond", .real(bulk.runsPerSecond, digits: 1)),
                    ("serverSeconds", .array(bulk.serverSeconds.map { .real($0, digits: 6) })),
                    ("completedInStore", .integer(bulk.runs)), ("checkMs", .real(bulk.checkMs, digits: 3)),
                    ("checkRounds", .integer(bulk.checkRounds)),
                ])
            ),
            (
                "cancel",
                .object([
                    ("delayMs", .integer(f.cancel.delayMs)), ("latency", summary(f.cancel.latency)),
                    ("toResponse", summary(Summary(f.cancel.responseMs))),
                    ("toCancelReply", summary(Summary(f.cancel.replyMs))),
                    ("runVisibleOnB", summary(Summary(f.cancel.visibleMs))),
                    ("latencyMs", .array(f.cancel.latencyMs.map { .real($0, digits: 3) })),
                    ("targetMedianMs", .real(Targets.postgresCancelMs, digits: 0)),
                    ("meetsTarget", .bool(f.meetsCancelTarget)),
                ])
            ),
            (
                "follow",
                .object([
                    ("runs", .integer(f.follow.runs)), ("words", .integer(f.follow.words)),
                    ("delayMs", .integer(f.follow.delayMs)), ("replayedTokens", .integer(f.follow.replayed)),
                    ("latency", summary(f.follow.latency)),
                ])
            ),
        ]
    }
}
