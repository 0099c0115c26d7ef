import JSONCore

/// Statistics of one agent (its calls) or one strategy (its workflow runs), in the answer to `stats/get`.
public struct StatsEntry: ResultType, Equatable {
    public static let name = "StatsEntry"
    public static let summary = #"Statistics of one agent (its calls) or one strategy (its workflow runs)."#
    public static let members: [Member] = [
        Member(
            "sinceStart",
            required: true,
            schema: Schema(
                json: #"""
                    {
                      "type": "object",
                      "required": [
                        "total",
                        "active",
                        "completed",
                        "failed",
                        "cancelled",
                        "reaped",
                        "successRate",
                        "avgDurationMs",
                        "tokens"
                      ],
                      "properties": {
                        "total": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Runs started."
                        },
                        "active": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Runs in flight."
                        },
                        "completed": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Runs that completed."
                        },
                        "failed": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Runs that failed."
                        },
                        "cancelled": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Runs that were cancelled."
                        },
                        "reaped": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Runs reaped as stale; they are also counted as `cancelled` (agents) or `failed` (strategies)."
                        },
                        "successRate": {
                          "type": ["number", "null"],
                          "minimum": 0,
                          "maximum": 1,
                          "description": "Completed share of finished runs, 0 to 1; `null` when none has finished."
                        },
                        "avgDurationMs": {
                          "type": "number",
                          "minimum": 0,
                          "description": "Mean duration of finished runs (0 when none has finished)."
                        },
                        "tokens": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Output tokens of finished runs."
                        },
                        "costUsd": {
                          "type": "number",
                          "minimum": 0,
                          "description": "What the agent's calls of priced models cost, in US dollars (config `pricing`); absent while none had a price. Agents only."
                        }
                      }
                    }
                    """#
            ),
            description: #"Since the server started or `stats/reset`."#
        ),
        Member(
            "window",
            required: true,
            schema: Schema(
                json: #"""
                    {
                      "type": "object",
                      "required": [
                        "runs",
                        "completed",
                        "failed",
                        "cancelled",
                        "successRate",
                        "avgDurationMs",
                        "p50DurationMs",
                        "p95DurationMs",
                        "p99DurationMs",
                        "tokens"
                      ],
                      "properties": {
                        "runs": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Finished runs in the window."
                        },
                        "completed": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Of which completed."
                        },
                        "failed": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Of which failed."
                        },
                        "cancelled": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Of which cancelled."
                        },
                        "successRate": {
                          "type": ["number", "null"],
                          "minimum": 0,
                          "maximum": 1,
                          "description": "Completed share of the window, 0 to 1; `null` when it is empty."
                        },
                        "avgDurationMs": {
                          "type": "number",
                          "minimum": 0,
                          "description": "Mean duration (0 when empty)."
                        },
                        "p50DurationMs": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Median duration (nearest rank; 0 when empty)."
                        },
                        "p95DurationMs": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "95th percentile duration (nearest rank; 0 when empty)."
                        },
                        "p99DurationMs": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "99th percentile duration (nearest rank; 0 when empty)."
                        },
                        "tokens": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Output tokens of the window's runs."
                        }
                      }
                    }
                    """#
            ),
            description: #"Over the most recent finished runs (at most `windowSize`)."#
        ),
    ]

    /// Counts since the server started or `stats/reset`.
    public struct SinceStart: Sendable, Equatable {
        /// Runs started.
        public var total: Int
        /// Runs in flight.
        public var active: Int
        public var completed: Int
        public var failed: Int
        public var cancelled: Int
        /// Runs reaped as stale (also counted as cancelled or failed).
        public var reaped: Int
        /// Completed share of finished runs, 0 to 1; `nil` when none has finished.
        public var successRate: Double?
        /// Mean duration of finished runs in milliseconds (0 when none has finished).
        public var avgDurationMs: Double
        /// Output tokens of finished runs.
        public var tokens: Int
        /// What calls of priced models cost (agents only); `nil` while none had a price.
        public var costUsd: Double?

        public init(
            total: Int,
            active: Int,
            completed: Int,
            failed: Int,
            cancelled: Int,
            reaped: Int,
            successRate: Double?,
            avgDurationMs: Double,
            tokens: Int,
            costUsd: Double? = nil
        ) {
            self.costUsd = costUsd
            self.total = total
            self.active = active
            self.completed = completed
            self.failed = failed
            self.cancelled = cancelled
            self.reaped = reaped
            self.successRate = successRate
            self.avgDurationMs = avgDurationMs
            self.tokens = tokens
        }

        var json: JSONValue {
            var object: JSONObject = [
                "total": .int(total), "active": .int(active), "completed": .int(completed), "failed": .int(failed),
                "cancelled": .int(cancelled), "reaped": .int(reaped),
                "successRate": successRate.map(JSONValue.double) ?? .null,
                "avgDurationMs": .double(avgDurationMs), "tokens": .int(tokens),
            ]
            if let costUsd { object["costUsd"] = .double(costUsd) }
            return .object(object)
        }
    }

    /// Figures over the most recent finished runs.
    public struct Window: Sendable, Equatable {
        /// Finished runs in the window.
        public var runs: Int
        public var completed: Int
        public var failed: Int
        public var cancelled: Int
        /// Completed share of the window, 0 to 1; `nil` when it is empty.
        public var successRate: Double?
        /// Mean duration in milliseconds (0 when empty).
        public var avgDurationMs: Double
        /// Nearest-rank percentiles of the durations in milliseconds (0 when empty).
        public var p50DurationMs: Int
        public var p95DurationMs: Int
        public var p99DurationMs: Int
        /// Output tokens of the window's runs.
        public var tokens: Int

        public init(
            runs: Int,
            completed: Int,
            failed: Int,
            cancelled: Int,
            successRate: Double?,
            avgDurationMs: Double,
            p50DurationMs: Int,
            p95DurationMs: Int,
            p99DurationMs: Int,
            tokens: Int
        ) {
            self.runs = runs
            self.completed = completed
            self.failed = failed
            self.cancelled = cancelled
            self.successRate = successRate
            self.avgDurationMs = avgDurationMs
            self.p50DurationMs = p50DurationMs
            self.p95DurationMs = p95DurationMs
            self.p99DurationMs = p99DurationMs
            self.tokens = tokens
        }

        var json: JSONValue {
            [
                "runs": .int(runs), "completed": .int(completed), "failed": .int(failed),
                "cancelled": .int(cancelled), "successRate": successRate.map(JSONValue.double) ?? .null,
                "avgDurationMs": .double(avgDurationMs), "p50DurationMs": .int(p50DurationMs),
                "p95DurationMs": .int(p95DurationMs), "p99DurationMs": .int(p99DurationMs), "tokens": .int(tokens),
            ]
        }
    }

    public var sinceStart: SinceStart
    public var window: Window

    public init(sinceStart: SinceStart, window: Window) {
        self.sinceStart = sinceStart
        self.window = window
    }

    public func encode(to object: inout ResultObject) {
        object["sinceStart"] = sinceStart.json
        object["window"] = window.json
    }
}
