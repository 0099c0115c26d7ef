/// The human-readable table (and, in Report+JSON.swift, the `--json` object).
enum Report {
    // MARK: Table

    static func table(_ results: BenchResults) -> String {
        var rows: [[String]] = [["metric", "value", "target", ""]]
        func failure(_ metric: String, _ error: BenchError) {
            rows.append([metric, "FAILED", "", error.description])
        }

        switch results.startup {
        case .success(let f)?:
            let s = f.summary
            rows.append([
                "startup, spawn to initialize reply (median of \(s.count))", Format.ms(s.median) + " ms",
                "< \(Format.grouped(Targets.startupMs)) ms", status(s.median < Targets.startupMs),
            ])
            rows.append(["  startup min / max", "\(Format.ms(s.min)) / \(Format.ms(s.max)) ms", "", ""])
        case .failure(let e)?: failure("startup", e)
        case nil: break
        }
        rows += idleRows(results.idle)
        switch results.sequential {
        case .success(let f)?:
            rows.append([
                "sequential pings (\(Format.grouped(f.count)))", "\(Format.grouped(f.perSecond)) /s",
                "≥ \(Format.grouped(Targets.sequentialPerSecond)) /s",
                status(f.perSecond >= Targets.sequentialPerSecond),
            ])
            rows.append([
                "  ping round trip median / p99",
                "\(Format.fixed(f.latencyUs.median, 1)) / \(Format.fixed(f.latencyUs.percentile(99), 1)) µs", "", "",
            ])
        case .failure(let e)?: failure("sequential pings", e)
        case nil: break
        }
        switch results.pipelined {
        case .success(let f)?:
            rows.append(["pipelined pings (\(Format.grouped(f.count)))", "\(Format.grouped(f.perSecond)) /s", "", ""])
        case .failure(let e)?: failure("pipelined pings", e)
        case nil: break
        }
        switch results.tokens {
        case .success(let f)?:
            let label =
                f.countOnly ? "tokens, lines only counted" : "tokens (\(Format.grouped(f.words)) words, verified)"
            rows.append([
                label, "\(Format.grouped(f.tokensPerSecond)) /s",
                "≥ \(Format.grouped(Targets.tokensPerSecond)) /s", status(f.tokensPerSecond >= Targets.tokensPerSecond),
            ])
            rows.append([
                "  token stream (\(Format.fixed(Double(f.bytesReceived) / 1e6, 1)) MB in \(Format.ms(f.seconds * 1000)) ms)",
                "\(Format.fixed(f.megabytesPerSecond, 1)) MB/s", "", "",
            ])
            if let streaming = f.streamingTokensPerSecond {
                rows.append([
                    "  tokens/s while streaming (first to last token)", "\(Format.grouped(streaming)) /s", "", "",
                ])
            }
        case .failure(let e)?: failure("tokens", e)
        case nil: break
        }
        rows += streamsRows(results.streams)
        switch results.workflow {
        case .success(let f)?:
            let n = "median of \(f.reps.count)"
            rows.append([
                "workflow overhead, durationMs − slowest branch (\(Format.grouped(f.branches)) branches, \(n))",
                Format.ms(f.overheadMs.median) + " ms", "< \(Format.grouped(Targets.workflowOverheadMs)) ms",
                status(f.meetsTarget),
            ])
            rows.append([
                "  wall / server durationMs / slowest branch",
                "\(Format.ms(f.wallMs.median)) / \(Format.ms(f.serverMs.median)) / \(Format.ms(f.slowestBranchMs.median)) ms",
                "", "",
            ])
            rows.append(["  wall − slowest branch", Format.ms(f.wallOverSlowestMs.median) + " ms", "", ""])
            rows.append([
                "  overhead min / max", "\(Format.ms(f.overheadMs.min)) / \(Format.ms(f.overheadMs.max)) ms", "", "",
            ])
        case .failure(let e)?: failure("workflow", e)
        case nil: break
        }
        rows += slowClientRows(results.slowClient)
        switch results.store {
        case .success(let f)?:
            let n = "median of \(f.memory.count)"
            rows.append([
                "tokens, --store memory (\(Format.grouped(f.words)) words, \(n))",
                "\(Format.grouped(f.memoryTokensPerSecond.median)) /s", "", "",
            ])
            rows.append([
                "tokens, --store SQLite file (\(Format.grouped(f.words)) words, \(n))",
                "\(Format.grouped(f.sqliteTokensPerSecond.median)) /s", "", "",
            ])
            rows.append([
                "  store cost, 1 − SQLite / memory tokens/s", Format.fixed(f.costPercent, 1) + " %",
                "< \(Format.grouped(Targets.storeCostPercent)) %", status(f.meetsTarget),
            ])
            rows.append([
                "  tokens/s memory, SQLite (each run)",
                f.memory.map { Format.grouped($0.tokensPerSecond) }.joined(separator: " ") + "; "
                    + f.sqlite.map { Format.grouped($0.tokensPerSecond) }.joined(separator: " "),
                "", "",
            ])
            rows.append([
                "  server CPU memory / SQLite (median)",
                "\(Format.ms(f.memoryServerCPUSeconds.median * 1000)) / \(Format.ms(f.sqliteServerCPUSeconds.median * 1000)) ms "
                    + "(\(f.serverCPUCostPercent >= 0 ? "+" : "")\(Format.fixed(f.serverCPUCostPercent, 1)) %)",
                "", "",
            ])
            if let bytes = f.storeBytes.max() {
                rows.append(["  SQLite file after a run", Format.fixed(Double(bytes) / 1e6, 1) + " MB", "", ""])
            }
        case .failure(let e)?: failure("store", e)
        case nil: break
        }
        switch results.provider {
        case .success(let f)?:
            rows.append([
                "provider latency, model write to run/token read, p99 (\(f.tokens) tokens, 1 per \(f.intervalMs) ms)",
                Format.fixed(f.p99Ms, 3) + " ms", "< \(Format.fixed(Targets.providerP99Ms, 0)) ms",
                status(f.meetsTarget),
            ])
            rows.append(["  p50 / max", "\(Format.fixed(f.p50Ms, 3)) / \(Format.fixed(f.maxMs, 3)) ms", "", ""])
        case .failure(let e)?: failure("provider", e)
        case nil: break
        }

        switch results.acp {
        case .success(let f)?:
            let ours = f.agentwire
            rows.append([
                "ACP prompt (\(Format.grouped(ours.words)) words): session/update notifications",
                "\(Format.grouped(ours.updatesPerSecond)) /s", "", "",
            ])
            rows.append([
                "  \(Format.grouped(ours.updates)) updates, \(Format.fixed(Double(ours.bytesReceived) / 1e6, 1)) MB in \(Format.ms(ours.seconds * 1000)) ms",
                "\(Format.grouped(ours.tokensPerSecond)) tokens/s", "", "",
            ])
            switch f.python {
            case .success(let python)?:
                rows.append([
                    "  Python SDK echo agent, same prompt: \(Format.grouped(python.updates)) updates in \(Format.ms(python.seconds * 1000)) ms",
                    "\(Format.grouped(python.updatesPerSecond)) /s", "", "",
                ])
                let speedup = f.speedup ?? 0
                rows.append([
                    "  prompt answered × faster than the Python SDK agent", Format.fixed(speedup, 1) + " ×",
                    "≥ \(Format.grouped(Targets.acpSpeedup)) ×", status(speedup >= Targets.acpSpeedup),
                ])
            case .failure(let e)?: rows.append(["  Python SDK echo agent", "FAILED", "", e.description])
            case nil:
                rows.append(["  Python SDK echo agent", "not run", "", "install it: scripts/setup-protocol-clients.sh"])
            }
        case .failure(let e)?: failure("acp", e)
        case nil: break
        }

        rows += TelemetryFigures.rows(results.telemetry)
        rows += postgresRows(results.postgres, skipped: results.postgresSkipped)

        for result in results.clients ?? [] {
            switch result {
            case .success(let f):
                rows.append([
                    "\(f.client) client (\(f.runtime)): tokens/s to user code, \(Format.grouped(f.words)) words",
                    Format.grouped(f.everyToken), "≥ \(Format.grouped(f.target))", status(f.meetsTarget),
                ])
                rows.append([
                    "  with tokenCoalesceMs \(f.coalesceMs) (\(Format.grouped(f.notifications.coalesced)) notifications)",
                    Format.grouped(f.coalesced), "", "",
                ])
                rows.append(["  server alone, same stream", Format.grouped(f.serverAlone), "", ""])
            case .failure(let e): failure("client", e)
            }
        }

        var text = "agentwire-bench: \(results.binary)\(results.quick ? " (quick)" : "")\n\n"
        text += render(rows)
        text += "\n" + costs(results)
        return text
    }

    /// Where each phase's time went: wall time against the CPU both sides used.
    private static func costs(_ results: BenchResults) -> String {
        var rows: [[String]] = [["phase", "wall", "bench CPU", "server CPU", "notes"]]
        func row(_ name: String, _ cost: PhaseCost, _ notes: String) {
            rows.append([
                name, Format.ms(cost.wallSeconds * 1000) + " ms", Format.ms(cost.clientCPUSeconds * 1000) + " ms",
                Format.ms(cost.serverCPUSeconds * 1000) + " ms", notes,
            ])
        }
        if case .success(let f)? = results.startup {
            rows.append([
                "startup", "", "", Format.ms(f.serverCPUMs.median) + " ms",
                "per spawn (median); exit after stdin closes: \(Format.ms(f.exitMs.median)) ms",
            ])
        }
        if case .success(let f)? = results.sequential {
            row("sequential", f.cost, "server CPU includes its start and exit")
        }
        if case .success(let f)? = results.pipelined {
            row(
                "pipelined",
                f.cost,
                "all pings in the pipe after \(Format.ms(f.writtenMs)) ms; \(Format.grouped(f.reads)) reads, "
                    + "\(Format.fixed(Double(f.count) / Double(max(f.reads, 1)), 1)) replies per read"
            )
        }
        if case .success(let f)? = results.tokens {
            var notes =
                "\(Format.fixed(Double(f.requestBytes) / 1e6, 1)) MB request in the pipe after \(Format.ms(f.requestWrittenMs)) ms"
            if let started = f.runStartedMs { notes += "; run/started at \(Format.ms(started)) ms" }
            if let first = f.firstTokenMs, let last = f.lastTokenMs {
                notes +=
                    ", first token at \(Format.ms(first)) ms, last at \(Format.ms(last)) ms, response at \(Format.ms(f.seconds * 1000)) ms"
            }
            if let run = f.serverRunMs { notes += "; run's own durationMs \(run)" }
            notes +=
                "; \(Format.grouped(f.reads)) reads of \(Format.grouped(Double(f.bytesReceived) / Double(max(f.reads, 1)) / 1024)) KiB avg"
            row("tokens", f.cost, notes)
        }
        func median(_ runs: [TokenFigures]) -> PhaseCost {
            PhaseCost(
                wallSeconds: Summary(runs.map(\.cost.wallSeconds)).median,
                clientCPUSeconds: Summary(runs.map(\.cost.clientCPUSeconds)).median,
                serverCPUSeconds: Summary(runs.map(\.cost.serverCPUSeconds)).median
            )
        }
        if case .success(let f)? = results.store {
            row("store: memory", median(f.memory), "medians of \(f.memory.count) token runs with --store memory")
            row("store: SQLite", median(f.sqlite), "medians of \(f.sqlite.count) token runs with --store FILE")
        }
        if case .success(let f)? = results.postgres {
            row("postgres: memory", median(f.memory), "medians of \(f.memory.count) token runs with --store memory")
            row(
                "postgres: PostgreSQL",
                median(f.postgres),
                "medians of \(f.postgres.count) token runs with --store \(f.database)"
            )
        }
        if case .success(let f)? = results.workflow, let first = f.reps.first {
            let c = first.counts
            var notes =
                "\(f.reps.count) runs together; each read \(Format.grouped(c.total)) notifications "
                + "(\(c.started) run/started, \(Format.grouped(c.steps)) run/step, \(Format.grouped(c.progress)) run/progress"
                + (c.heartbeats > 0 ? ", \(c.heartbeats) run/heartbeat" : "") + ")"
            func kb(_ bytes: Int) -> String { Format.fixed(Double(bytes) / 1e3, 0) + " KB" }
            notes +=
                ", \(kb(first.bytesReceived)) with a \(kb(first.responseBytes)) response for a \(kb(first.requestBytes)) request"
            if f.runStartedMs.count > 0, f.lastBranchEndedMs.count > 0 {
                notes +=
                    "; medians, read at: run/started \(Format.ms(f.runStartedMs.median)) ms, "
                    + "last branch started \(Format.ms(f.lastBranchStartedMs.median)) ms, "
                    + "first branch ended \(Format.ms(f.firstBranchEndedMs.median)) ms, "
                    + "last branch ended \(Format.ms(f.lastBranchEndedMs.median)) ms "
                    + "(then \(Format.grouped(f.progressAfterLastBranch.median)) run/progress), "
                    + "last notification \(Format.ms(f.lastNotificationMs.median)) ms, response \(Format.ms(f.wallMs.median)) ms"
            }
            row("workflow", f.cost, notes)
        }
        guard rows.count > 1 else { return "" }
        return "Where the time goes (2 cores shared by bench and server):\n" + render(rows)
    }

    /// Left-aligned columns separated by two spaces.
    private static func render(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: columns)
        for row in rows {
            for (i, cell) in row.enumerated() where i < columns - 1 { widths[i] = max(widths[i], cell.count) }
        }
        var text = ""
        for row in rows {
            var line = ""
            for (i, cell) in row.enumerated() {
                line += i < columns - 1 ? cell + String(repeating: " ", count: widths[i] - cell.count + 2) : cell
            }
            while line.hasSuffix(" ") { line.removeLast() }
            text += line + "\n"
        }
        return text
    }
}
