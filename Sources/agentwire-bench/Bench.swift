import ArgumentParser

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agentwire-bench",
        abstract: "Measure the agentwire service over its stdin/stdout pipes.",
        discussion: """
            Spawns the release agentwire binary and speaks newline-delimited JSON-RPC 2.0 to it, measuring: \
            start-up (spawn to the initialize reply, over fresh processes), sequential ping round trips, \
            pipelined pings (one thread writes, another reads), token throughput (one echo agent/run of \
            N words; every run/token line is counted, the last one and the result are checked), the run \
            store's cost (the same token run on a server with --store memory and on one with a SQLite file in \
            a temporary directory, alternately, medians compared), workflow overhead (one \
            coordinator/parallel run of N echo branches with tokens off, repeated; the run's durationMs \
            against its slowest branch's, medians over the repetitions), and ACP (one session/prompt of N words \
            answered as session/update notifications, counted by a minimal reader, compared with the same prompt \
            answered by an echo-style agent written with the ACP Python SDK when it is installed), idle memory (VmRSS \
            of fresh servers after initialize and a ping), concurrent streams (--streams echo runs at 100 tokens/s \
            through one connection, restarted as they end: server CPU share, added latency per token, VmRSS over \
            the window) and a slow client (a run far larger than --max-queued-bytes while stdout is not read for \
            2 s: the server's peak VmRSS growth, then every token read), and provider latency (a loopback \
            OpenAI-compatible server streams tokens at a fixed rate to an openai agent; each token's time from \
            the server's write to its run/token line on stdout, p50 and p99), and telemetry's cost (the token run on a \
            server with --no-telemetry and on one with Prometheus metrics served over --metrics-listen and spans \
            exported over OTLP to a loopback sink, alternately, medians compared), and the PostgreSQL run store \
            (--postgres-url: the token run with --store memory and with the database, alternately, medians \
            compared; short echo runs through two servers on the database at once, every one then read back as \
            completed; run/cancel sent to one server for a slow run on the other, until the run's end reaches its \
            client; and a run on one server followed from the other with run/events, each token's delay between \
            the two clients). \
            Each phase but start-up gets its own server, initialized before the clock starts; every server but \
            the store phase's SQLite ones and the postgres phase's database ones runs with --store memory, so nothing \
            is written to the state directory. \
            A phase that runs past --timeout has its server killed and is reported as failed. \
            Exit status: 0 when every phase ran (targets met or not), 1 when one failed.

            Build first: swift build -c release --product agentwire && swift build -c release --product agentwire-bench
            """
    )

    @Option(
        help: ArgumentHelp("The agentwire executable (default: the agentwire next to this bench).", valueName: "path")
    )
    var binary: String?

    @Option(help: "Processes to start for the start-up figure (default 20; 5 with --quick).")
    var starts: Int?

    @Option(help: "Sequential ping round trips (default 20000; 2000 with --quick).")
    var pings: Int?

    @Option(help: "Pipelined pings (default 100000; 10000 with --quick).")
    var pipelined: Int?

    @Option(
        help: """
            Words in the echo run's input, one token each (default 1000000; 100000 with --quick). \
            The request must fit the server's --max-message-bytes (16 MiB: about 2 million words).
            """
    )
    var words: Int?

    @Option(help: "Echo branches of the workflow phase's coordinator/parallel run (default 1000; 100 with --quick).")
    var branches: Int?

    @Option(help: "Workflow runs, each on a fresh server; medians are reported (default 5; 2 with --quick).")
    var workflowReps: Int?

    @Option(
        help: """
            Token runs of the store phase with each store, alternating memory and SQLite; medians are \
            reported (default 3; 1 with --quick).
            """
    )
    var storeReps: Int?

    @Option(help: "Words in the ACP phase's prompt (default 100000; 20000 with --quick).")
    var acpWords: Int?

    @Option(
        help: ArgumentHelp(
            """
            The ACP Python SDK's echo-style agent to compare with, as a command line (default: the venv of \
            scripts/setup-protocol-clients.sh running Tests/protocol-clients/echo_agent.py, when both exist; \
            'none' skips it).
            """,
            valueName: "command"
        )
    )
    var pythonAgent: String?

    @Option(help: "Tokens the provider phase's loopback model server streams (default 2000; 300 with --quick).")
    var providerTokens: Int?

    @Option(help: "Milliseconds between the provider phase's tokens (default 5).")
    var providerIntervalMs: Int = 5

    @Option(help: "Concurrent echo streams of the streams phase, each at 100 tokens/s (default 1000).")
    var streams: Int = 1000

    @Option(help: "Seconds the streams phase is measured for, after its warm-up (default 20).")
    var duration: Double = 20

    @Option(
        help:
            "Seconds the streams phase runs before it is measured, at least (default 10: one run's length); the window also waits for every first, staggered run to end."
    )
    var warmup: Double = 10

    @Option(help: "The server's --max-queued-bytes in the slow-client phase (default 8 MiB).")
    var maxQueuedBytes: Int = 8 * 1024 * 1024

    @Option(
        help: """
            Token runs of the telemetry phase with metrics and tracing off and on, alternating; medians are \
            reported (default 3; 1 with --quick).
            """
    )
    var telemetryReps: Int?

    @Option(
        help: ArgumentHelp(
            """
            The postgres phase's database, e.g. postgres://user:pass@127.0.0.1:5432/db?sslmode=disable (default: \
            $AGENTWIRE_BENCH_POSTGRES_URL, else $AGENTWIRE_TEST_POSTGRES_URL; scripts/postgres.sh start prints one). \
            Without one the phase is skipped. Runs it makes are left in the database.
            """,
            valueName: "url"
        )
    )
    var postgresURL: String?

    @Option(
        help: """
            Token runs of the postgres phase with each store, alternating memory and PostgreSQL; medians are \
            reported (default 3; 1 with --quick).
            """
    )
    var postgresReps: Int?

    @Option(help: "Short echo runs of the postgres phase, split between its two servers (default 1000).")
    var postgresRuns: Int = 1000

    @Option(help: "Runs each server of the postgres phase keeps in flight while sending them (default 16).")
    var postgresInFlight: Int = 16

    @Option(help: "Cross-server cancels of the postgres phase (default 20; 5 with --quick).")
    var postgresCancels: Int?

    @Option(
        help:
            "Runs of 400 words at 1 per 5 ms the postgres phase follows from another server (default 5; 2 with --quick)."
    )
    var postgresFollows: Int?

    @Flag(
        help: """
            A smaller run: 5 starts, 2000 pings, 10000 pipelined pings, 100000 words, one token run with each \
            store, 2 workflows of 100 branches.
            """
    )
    var quick = false

    @Flag(help: "Print one JSON object with every figure instead of the table.")
    var json = false

    @Flag(help: "In the token phase only count newlines (no line is looked at), to bound the client's cost.")
    var countOnly = false

    @Option(
        help: ArgumentHelp(
            """
            Phases to run, comma-separated: startup, idle, pings, pipelined, tokens, streams, workflow, \
            slowclient, store, acp, provider, telemetry, clients (run from the repository's root: it runs \
            clients/python/bench.py and clients/node/bench.mjs), postgres (default: all of them, postgres only \
            when a database URL is given).
            """,
            valueName: "list"
        )
    )
    var phases: String?

    private static let defaultPhases =
        "startup,idle,pings,pipelined,tokens,streams,workflow,slowclient,store,acp,provider,telemetry,clients"

    @Option(
        help: "Seconds a phase (or one start, or one workflow run) may take before its server is killed and it fails."
    )
    var timeout: Double = 120

    private static let phaseNames: Set<String> = [
        "startup", "pings", "pipelined", "tokens", "store", "workflow", "acp", "idle", "streams", "slowclient",
        "provider", "telemetry", "clients", "postgres",
    ]

    private var selectedPhases: Set<String> {
        let list = phases ?? (resolvedPostgresURL == nil ? Self.defaultPhases : Self.defaultPhases + ",postgres")
        return Set(list.split(separator: ",").map { $0.filter { $0 != " " } })
    }

    /// --postgres-url, else the first of the phase's environment variables that is set and not empty.
    private var resolvedPostgresURL: String? {
        if let postgresURL, !postgresURL.isEmpty { return postgresURL }
        for name in PostgresPhase.environmentVariables {
            if let value = getenv(name).map({ String(cString: $0) }), !value.isEmpty { return value }
        }
        return nil
    }

    func validate() throws {
        let counts = [
            ("--starts", starts), ("--pings", pings), ("--pipelined", pipelined), ("--words", words),
            ("--branches", branches), ("--workflow-reps", workflowReps), ("--store-reps", storeReps),
            ("--acp-words", acpWords), ("--streams", streams),
            ("--provider-tokens", providerTokens), ("--provider-interval-ms", providerIntervalMs),
            ("--telemetry-reps", telemetryReps), ("--postgres-reps", postgresReps), ("--postgres-runs", postgresRuns),
            ("--postgres-in-flight", postgresInFlight), ("--postgres-cancels", postgresCancels),
            ("--postgres-follows", postgresFollows),
        ]
        for (name, value) in counts {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1") }
        }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        guard duration >= 1, warmup >= 0 else {
            throw ValidationError("--duration must be at least 1, --warmup not negative")
        }
        guard maxQueuedBytes >= 65536 else { throw ValidationError("--max-queued-bytes must be at least 65536") }
        if let url = resolvedPostgresURL, !url.hasPrefix("postgres://"), !url.hasPrefix("postgresql://") {
            throw ValidationError("the postgres phase's URL must start with postgres:// or postgresql://")
        }
        let unknown = selectedPhases.subtracting(Self.phaseNames)
        guard unknown.isEmpty else {
            throw ValidationError(
                "unknown phase(s) \(unknown.sorted().joined(separator: ", ")); use \(Self.phaseNames.sorted().joined(separator: ", "))"
            )
        }
        let path = resolvedBinary
        guard access(path, X_OK) == 0 else {
            throw ValidationError(
                "cannot execute \(path); build it with `swift build -c release --product agentwire` or pass --binary"
            )
        }
    }

    /// The protocol-clients venv's python, when it exists (scripts/setup-protocol-clients.sh).
    private var venvPython: String? {
        let cache =
            getenv("XDG_CACHE_HOME").map { String(cString: $0) }
            ?? (getenv("HOME").map { String(cString: $0) + "/.cache" } ?? "")
        let python = cache + "/agentwire/protocol-clients-venv/bin/python"
        return access(python, X_OK) == 0 ? python : nil
    }

    /// --python-agent split on spaces, or the default when its venv and script exist; nil skips the comparison.
    private var resolvedPythonAgent: [String]? {
        if let pythonAgent {
            return pythonAgent == "none" ? nil : pythonAgent.split(separator: " ").map(String.init)
        }
        let cache =
            getenv("XDG_CACHE_HOME").map { String(cString: $0) }
            ?? (getenv("HOME").map { String(cString: $0) + "/.cache" } ?? "")
        let python = cache + "/agentwire/protocol-clients-venv/bin/python"
        let script = "Tests/protocol-clients/echo_agent.py"
        guard access(python, X_OK) == 0, access(script, R_OK) == 0 else { return nil }
        return [python, script]
    }

    /// --binary, or `agentwire` in the directory of this executable.
    private var resolvedBinary: String {
        if let binary { return binary }
        return Self.executableDirectory() + "/agentwire"
    }

    private static func executableDirectory() -> String {
        var path = CommandLine.arguments[0]
        #if os(Linux)
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
            if n > 0 { path = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        #endif
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let starts = starts ?? (quick ? 5 : 20)
        let pings = pings ?? (quick ? 2000 : 20_000)
        let pipelined = pipelined ?? (quick ? 10_000 : 100_000)
        let words = words ?? (quick ? 100_000 : 1_000_000)
        let branches = branches ?? (quick ? 100 : 1000)
        let workflowReps = workflowReps ?? (quick ? 2 : 5)
        let storeReps = storeReps ?? (quick ? 1 : 3)
        let acpWords = acpWords ?? (quick ? 20_000 : 100_000)
        let pythonAgent = resolvedPythonAgent
        let telemetryReps = telemetryReps ?? (quick ? 1 : 3)
        let binary = resolvedBinary
        let selected = selectedPhases
        let timeout = timeout

        var results = BenchResults(binary: binary, quick: quick)
        func phase<T>(_ name: String, _ body: () throws(BenchError) -> T) -> Result<T, BenchError>? {
            guard selected.contains(name) else { return nil }
            progress("\(name)…")
            do {
                return .success(try body())
            } catch {
                progress("\(name) failed: \(error)")
                return .failure(error)
            }
        }
        results.startup = phase("startup") { () throws(BenchError) in
            try Phases.startup(binary: binary, count: starts, timeout: timeout)
        }
        results.idle = phase("idle") { () throws(BenchError) in
            try IdlePhase.measure(binary: binary, servers: quick ? 1 : 3, timeout: timeout)
        }
        results.sequential = phase("pings") { () throws(BenchError) in
            try Phases.sequential(binary: binary, count: pings, timeout: timeout)
        }
        results.pipelined = phase("pipelined") { () throws(BenchError) in
            try Phases.pipelined(binary: binary, count: pipelined, timeout: timeout)
        }
        results.tokens = phase("tokens") { () throws(BenchError) in
            try TokenPhase.measure(
                binary: binary,
                words: words,
                countOnly: countOnly,
                timeout: timeout,
                serverArguments: ServerProcess.memoryStore
            )
        }
        results.streams = phase("streams") { () throws(BenchError) in
            try StreamsPhase.measure(
                binary: binary,
                streams: streams,
                delayMs: 10,
                runSeconds: 10,
                warmupSeconds: warmup,
                seconds: duration,
                timeout: timeout
            )
        }
        results.slowClient = phase("slowclient") { () throws(BenchError) in
            try SlowClientPhase.measure(
                binary: binary,
                words: quick ? 100_000 : 300_000,
                maxQueuedBytes: maxQueuedBytes,
                stallSeconds: 2,
                timeout: timeout
            )
        }
        results.store = phase("store") { () throws(BenchError) in
            try StorePhase.measure(
                binary: binary,
                words: words,
                reps: storeReps,
                countOnly: countOnly,
                timeout: timeout
            )
        }
        results.workflow = phase("workflow") { () throws(BenchError) in
            try WorkflowPhase.measure(binary: binary, branches: branches, reps: workflowReps, timeout: timeout)
        }
        let providerTokens = providerTokens ?? (quick ? 300 : 2000)
        let providerIntervalMs = providerIntervalMs
        results.provider = phase("provider") { () throws(BenchError) in
            try ProviderPhase.measure(
                binary: binary,
                tokens: providerTokens,
                intervalMs: providerIntervalMs,
                timeout: timeout
            )
        }

        results.acp = phase("acp") { () throws(BenchError) in
            try ACPPhase.measure(binary: binary, words: acpWords, pythonAgent: pythonAgent, timeout: timeout)
        }

        results.telemetry = phase("telemetry") { () throws(BenchError) in
            try TelemetryPhase.measure(
                binary: binary,
                words: words,
                reps: telemetryReps,
                countOnly: countOnly,
                timeout: timeout
            )
        }

        if selected.contains("postgres") {
            if let url = resolvedPostgresURL {
                let plan = PostgresPhase.Plan(
                    url: url,
                    words: words,
                    reps: postgresReps ?? (quick ? 1 : 3),
                    countOnly: countOnly,
                    runs: postgresRuns,
                    inFlight: postgresInFlight,
                    cancels: postgresCancels ?? (quick ? 5 : 20),
                    cancelDelayMs: 20,
                    follows: postgresFollows ?? (quick ? 2 : 5),
                    followWords: 400,
                    followDelayMs: 5,
                    timeout: timeout
                )
                results.postgres = phase("postgres") { () throws(BenchError) in
                    try PostgresPhase.measure(binary: binary, plan: plan)
                }
            } else {
                let reason =
                    "no database: pass --postgres-url or set AGENTWIRE_BENCH_POSTGRES_URL or AGENTWIRE_TEST_POSTGRES_URL "
                    + "(scripts/postgres.sh start prints a URL)"
                progress("postgres skipped: \(reason)")
                results.postgresSkipped = reason
            }
        }

        let python = venvPython
        if selected.contains("clients") {
            progress("clients…")
            results.clients = ClientsPhase.measure(
                binary: binary,
                words: words,
                runs: quick ? 1 : 3,
                python: python,
                timeout: timeout
            )
        }

        print(json ? Report.json(results) : Report.table(results), terminator: json ? "\n" : "")
        if results.failed { throw ExitCode(1) }
    }

    /// A progress note on stderr, so stdout carries only the report.
    private func progress(_ text: String) {
        var line = Array("agentwire-bench: \(text)\n".utf8)
        _ = line.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
