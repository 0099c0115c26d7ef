/// What the postgres phase measured.
struct PostgresFigures {
    /// The database, its password masked.
    var database: String
    var words: Int
    var memory: [TokenFigures]
    var postgres: [TokenFigures]
    var bulk: PostgresBulkFigures
    var cancel: PostgresCancelFigures
    var follow: PostgresFollowFigures

    var memoryTokensPerSecond: Summary { Summary(memory.map(\.tokensPerSecond)) }
    var postgresTokensPerSecond: Summary { Summary(postgres.map(\.tokensPerSecond)) }
    var memoryServerCPUSeconds: Summary { Summary(memory.map(\.cost.serverCPUSeconds)) }
    var postgresServerCPUSeconds: Summary { Summary(postgres.map(\.cost.serverCPUSeconds)) }

    /// How much slower the token phase is with the PostgreSQL store, in percent of its speed with the memory
    /// store (medians; negative when it came out faster).
    var costPercent: Double { (1 - postgresTokensPerSecond.median / memoryTokensPerSecond.median) * 100 }
    var serverCPUCostPercent: Double {
        (postgresServerCPUSeconds.median / memoryServerCPUSeconds.median - 1) * 100
    }
    var meetsCostTarget: Bool { costPercent < Targets.postgresCostPercent }
    var meetsCancelTarget: Bool { cancel.latency.median <= Targets.postgresCancelMs }
}

/// Short echo runs sent through two servers on one database at once.
struct PostgresBulkFigures {
    var runs: Int
    var inFlight: Int
    /// From the first request written to the last response read, over both servers.
    var seconds: Double
    /// The same for each server.
    var serverSeconds: [Double]
    /// How long reading every run's status back from server A took until all were `completed`, and in how many
    /// rounds (a round asks again about the runs not yet completed, 100 ms later).
    var checkMs: Double
    var checkRounds: Int

    var runsPerSecond: Double { Double(runs) / seconds }
}

/// `run/cancel` on server B for a run streaming on server A.
struct PostgresCancelFigures {
    var delayMs: Int
    /// From writing the cancel to B to A's client reading the run's end (its cancelled `run/step` or its
    /// response, whichever came first), in ms.
    var latencyMs: [Double] = []
    /// The same, to A's response.
    var responseMs: [Double] = []
    /// The same, to B's reply to `run/cancel`.
    var replyMs: [Double] = []
    /// From A's `run/started` to B reading the run as `running`.
    var visibleMs: [Double] = []

    var latency: Summary { Summary(latencyMs) }
}

/// Server B following a run streaming on server A.
struct PostgresFollowFigures {
    var runs: Int
    var words: Int
    var delayMs: Int
    /// Per token: its time on B's client minus its time on A's client, in ms.
    var latencyMs: [Double] = []
    /// Tokens A's client read before the follow was sent (replayed from the store; not in `latencyMs`).
    var replayed = 0

    var latency: Summary { Summary(latencyMs) }
}
