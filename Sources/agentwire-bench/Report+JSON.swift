/// The `--json` object: every phase's figures, as the table shows them and more.
extension Report {
    static func json(_ results: BenchResults) -> String {
        var members: [(String, JSONOut)] = [
            ("binary", .string(results.binary)), ("quick", .bool(results.quick)), ("ok", .bool(!results.failed)),
        ]
        func phase<T>(_ key: String, _ result: Result<T, BenchError>?, _ body: (T) -> [(String, JSONOut)]) {
            switch result {
            case .success(let figures)?: members.append((key, .object(body(figures))))
            case .failure(let error)?: members.append((key, .object([("error", .string(error.description))])))
            case nil: break
            }
        }
        func cost(_ c: PhaseCost) -> [(String, JSONOut)] {
            [
                ("wallSeconds", .real(c.wallSeconds, digits: 6)),
                ("clientCPUSeconds", .real(c.clientCPUSeconds, digits: 6)),
                ("serverCPUSeconds", .real(c.serverCPUSeconds, digits: 6)),
            ]
        }
        phase("startup", results.startup) { f in
            let s = f.summary
            return [
                ("starts", .integer(s.count)), ("medianMs", .real(s.median, digits: 3)),
                ("minMs", .real(s.min, digits: 3)), ("maxMs", .real(s.max, digits: 3)),
                ("samplesMs", .array(f.samplesMs.map { .real($0, digits: 3) })),
                ("exitMedianMs", .real(f.exitMs.median, digits: 3)),
                ("serverCPUMedianMs", .real(f.serverCPUMs.median, digits: 3)),
                ("targetMs", .real(Targets.startupMs, digits: 0)), ("meetsTarget", .bool(s.median < Targets.startupMs)),
            ]
        }
        phase("idle", results.idle, idleJSON)
        phase("streams", results.streams, streamsJSON)
        phase("slowClient", results.slowClient, slowClientJSON)
        phase("sequentialPings", results.sequential) { f in
            [
                ("count", .integer(f.count)), ("seconds", .real(f.seconds, digits: 6)),
                ("perSecond", .real(f.perSecond, digits: 0)),
                ("latencyMedianUs", .real(f.latencyUs.median, digits: 2)),
                ("latencyP99Us", .real(f.latencyUs.percentile(99), digits: 2)),
                ("latencyMinUs", .real(f.latencyUs.min, digits: 2)),
                ("latencyMaxUs", .real(f.latencyUs.max, digits: 2)),
                ("targetPerSecond", .real(Targets.sequentialPerSecond, digits: 0)),
                ("meetsTarget", .bool(f.perSecond >= Targets.sequentialPerSecond)),
            ] + cost(f.cost)
        }
        phase("pipelinedPings", results.pipelined) { f in
            [
                ("count", .integer(f.count)), ("seconds", .real(f.seconds, digits: 6)),
                ("perSecond", .real(f.perSecond, digits: 0)), ("allWrittenMs", .real(f.writtenMs, digits: 3)),
                ("reads", .integer(f.reads)),
            ] + cost(f.cost)
        }
        phase("tokens", results.tokens) { f in
            [
                ("words", .integer(f.words)), ("countOnly", .bool(f.countOnly)),
                ("seconds", .real(f.seconds, digits: 6)),
                ("tokensPerSecond", .real(f.tokensPerSecond, digits: 0)), ("bytesReceived", .integer(f.bytesReceived)),
                ("megabytesPerSecond", .real(f.megabytesPerSecond, digits: 2)),
                ("requestBytes", .integer(f.requestBytes)),
                ("reads", .integer(f.reads)), ("requestWrittenMs", .real(f.requestWrittenMs, digits: 3)),
                ("runStartedMs", f.runStartedMs.map { .real($0, digits: 3) } ?? .null),
                ("firstTokenMs", f.firstTokenMs.map { .real($0, digits: 3) } ?? .null),
                ("lastTokenMs", f.lastTokenMs.map { .real($0, digits: 3) } ?? .null),
                ("streamingTokensPerSecond", f.streamingTokensPerSecond.map { .real($0, digits: 0) } ?? .null),
                ("serverRunMs", f.serverRunMs.map { .integer($0) } ?? .null),
                ("targetPerSecond", .real(Targets.tokensPerSecond, digits: 0)),
                ("meetsTarget", .bool(f.tokensPerSecond >= Targets.tokensPerSecond)),
            ] + cost(f.cost)
        }
        phase("store", results.store) { f in
            func runs(_ figures: [TokenFigures]) -> JSONOut {
                .array(
                    figures.map { r in
                        .object(
                            [
                                ("seconds", .real(r.seconds, digits: 6)),
                                ("tokensPerSecond", .real(r.tokensPerSecond, digits: 0)),
                                ("serverRunMs", r.serverRunMs.map { .integer($0) } ?? .null),
                            ] + cost(r.cost)
                        )
                    }
                )
            }
            return [
                ("words", .integer(f.words)), ("reps", .integer(f.memory.count)),
                ("countOnly", .bool(f.memory.first?.countOnly ?? false)),
                ("memoryTokensPerSecond", .real(f.memoryTokensPerSecond.median, digits: 0)),
                ("sqliteTokensPerSecond", .real(f.sqliteTokensPerSecond.median, digits: 0)),
                ("costPercent", .real(f.costPercent, digits: 2)),
                ("memoryServerCPUSeconds", .real(f.memoryServerCPUSeconds.median, digits: 6)),
                ("sqliteServerCPUSeconds", .real(f.sqliteServerCPUSeconds.median, digits: 6)),
                ("serverCPUCostPercent", .real(f.serverCPUCostPercent, digits: 2)),
                ("storeBytes", .array(f.storeBytes.map { .integer($0) })),
                ("targetCostPercent", .real(Targets.storeCostPercent, digits: 0)),
                ("meetsTarget", .bool(f.meetsTarget)),
                ("memoryRuns", runs(f.memory)), ("sqliteRuns", runs(f.sqlite)),
            ]
        }
        phase("provider", results.provider) { f in
            [
                ("tokens", .integer(f.tokens)), ("intervalMs", .integer(f.intervalMs)),
                ("p50Ms", .real(f.p50Ms, digits: 4)), ("p99Ms", .real(f.p99Ms, digits: 4)),
                ("maxMs", .real(f.maxMs, digits: 4)), ("targetP99Ms", .real(Targets.providerP99Ms, digits: 0)),
                ("meetsTarget", .bool(f.meetsTarget)),
            ]
        }
        phase("workflow", results.workflow) { f in
            func median(_ s: Summary) -> JSONOut { .real(s.median, digits: 3) }
            let runs: [JSONOut] = f.reps.map { r in
                .object(
                    [
                        ("wallMs", .real(r.wallMs, digits: 3)), ("serverDurationMs", .integer(r.serverMs)),
                        ("slowestBranchMs", .integer(r.slowestBranchMs)), ("overheadMs", .integer(r.overheadMs)),
                        ("wallMinusSlowestBranchMs", .real(r.wallOverSlowestMs, digits: 3)),
                        ("runStartedMs", r.runStartedMs.map { .real($0, digits: 3) } ?? .null),
                        ("lastBranchStartedMs", r.lastBranchStartedMs.map { .real($0, digits: 3) } ?? .null),
                        ("firstBranchEndedMs", r.firstBranchEndedMs.map { .real($0, digits: 3) } ?? .null),
                        ("lastBranchEndedMs", r.lastBranchEndedMs.map { .real($0, digits: 3) } ?? .null),
                        ("progressAfterLastBranch", .integer(r.progressAfterLastBranch)),
                        ("lastNotificationMs", r.lastNotificationMs.map { .real($0, digits: 3) } ?? .null),
                        ("notifications", .integer(r.counts.total)), ("stepNotifications", .integer(r.counts.steps)),
                        ("progressNotifications", .integer(r.counts.progress)),
                        ("heartbeats", .integer(r.counts.heartbeats)),
                        ("requestBytes", .integer(r.requestBytes)), ("bytesReceived", .integer(r.bytesReceived)),
                        ("responseBytes", .integer(r.responseBytes)),
                    ] + cost(r.cost)
                )
            }
            return [
                ("branches", .integer(f.branches)), ("reps", .integer(f.reps.count)),
                ("wallMedianMs", median(f.wallMs)), ("serverDurationMedianMs", median(f.serverMs)),
                ("slowestBranchMedianMs", median(f.slowestBranchMs)), ("overheadMedianMs", median(f.overheadMs)),
                ("wallMinusSlowestBranchMedianMs", median(f.wallOverSlowestMs)),
                ("overheadMinMs", .real(f.overheadMs.min, digits: 3)),
                ("overheadMaxMs", .real(f.overheadMs.max, digits: 3)),
                ("targetOverheadMs", .real(Targets.workflowOverheadMs, digits: 0)),
                ("meetsTarget", .bool(f.meetsTarget)),
                ("runs", .array(runs)),
            ] + cost(f.cost)
        }
        phase("acp", results.acp) { f in
            func figures(_ a: ACPFigures) -> JSONOut {
                .object([
                    ("words", .integer(a.words)), ("updates", .integer(a.updates)),
                    ("bytesReceived", .integer(a.bytesReceived)), ("seconds", .real(a.seconds, digits: 6)),
                    ("updatesPerSecond", .real(a.updatesPerSecond, digits: 0)),
                    ("tokensPerSecond", .real(a.tokensPerSecond, digits: 0)),
                ])
            }
            var members: [(String, JSONOut)] = [("agentwire", figures(f.agentwire))]
            switch f.python {
            case .success(let python)?: members.append(("pythonSDKAgent", figures(python)))
            case .failure(let error)?:
                members.append(("pythonSDKAgent", .object([("error", .string(error.description))])))
            case nil: members.append(("pythonSDKAgent", .null))
            }
            members.append(("speedup", f.speedup.map { .real($0, digits: 1) } ?? .null))
            members.append(("targetSpeedup", .real(Targets.acpSpeedup, digits: 0)))
            members.append(("meetsTarget", f.speedup.map { .bool($0 >= Targets.acpSpeedup) } ?? .null))
            return members
        }
        phase("telemetry", results.telemetry) { $0.json }
        if let skipped = results.postgresSkipped {
            members.append(("postgres", .object([("skipped", .bool(true)), ("reason", .string(skipped))])))
        } else {
            phase("postgres", results.postgres, postgresJSON)
        }
        if let clients = results.clients {
            members.append(
                (
                    "clients",
                    .array(
                        clients.map { result in
                            switch result {
                            case .success(let f):
                                .object([
                                    ("client", .string(f.client)), ("runtime", .string(f.runtime)),
                                    ("words", .integer(f.words)),
                                    ("everyTokenPerSecond", .real(f.everyToken, digits: 0)),
                                    ("everyTokenNotifications", .integer(f.notifications.every)),
                                    ("coalesceMs", .integer(f.coalesceMs)),
                                    ("coalescedTokensPerSecond", .real(f.coalesced, digits: 0)),
                                    ("coalescedNotifications", .integer(f.notifications.coalesced)),
                                    ("serverAlonePerSecond", .real(f.serverAlone, digits: 0)),
                                    ("target", .real(f.target, digits: 0)), ("meetsTarget", .bool(f.meetsTarget)),
                                ])
                            case .failure(let error): .object([("error", .string(error.description))])
                            }
                        }
                    )
                )
            )
        }
        return JSONOut.object(members).text
    }
}
