import JSONCore
import JSONRPC

/// Replay a run's events, or follow them until the run ends.
public enum RunEventsRequest: RequestType {
    public static let method = "run/events"
    public static let direction = Direction.clientRequest
    public static let summary = #"Replay a run's events, or follow them until the run ends."#
    public static let description = #"""
        Returns a run's events: the notifications it produced (`run/started`, `run/step`, `run/token`, `run/thinking`, `run/progress`, `run/heartbeat`) exactly as they were sent, with `seq` above `afterSeq`, in `seq` order. Every kind is kept whatever the `stream` options of the connection that ran it, one event per token even when that connection merged tokens, so `seq`s have no gaps (unless the store failed). Events are written to the store in batches at most every 50 ms; for a run of this process the events still in memory are merged with the stored ones, with no gap and no duplicate. For a run of another process, only written events are seen (up to about 50 ms late); for an interrupted run, the last ~50 ms of events may be missing.

        Without `follow`, the reply is a page: up to `limit` events as `{seq, method, params}`, `lastSeq` (the last `seq` returned, or `afterSeq` if none) and `hasMore`; ask again with `afterSeq: lastSeq` while `hasMore` is `true`. `status` is the run's status when the page was read.

        With `follow: true`, the events are sent as notifications instead, exactly the run's original notifications (same `method`, `runId` and `seq`): first those after `afterSeq` that already exist, then each new one as the run produces it. Once the run has ended and its outcome is stored, the reply `{runId, followed: true, lastSeq, status}` comes after the last of them; for a run that has already ended it comes right after the replay. `limit` does not apply. A run of another process sharing the store is followed by reading the store every 50 ms, so its events arrive in batches. A connection following a run that it also receives the notifications of (because it started the run) gets them twice. Other requests are answered as usual while a follow is in progress.

        Errors: -32602 when `runId` is missing or not a string, `afterSeq` is not a whole number of at least 0, or `limit` is not a whole number from 1 to 10000 (`data.field`, e.g. `params.afterSeq`); -32001 when the store has no such run (`data.runId`); -32603 when the run store fails (`data.detail`); -32003 after `shutdown`. A follow is cancelled like any request: `$/cancelRequest` (or `$/cancel_request`) ends it with -32800 and `data: {runId, lastSeq}`, `notifications/cancelled` ends it with no reply; the run itself goes on.
        """#
    public static let result = ResultSpec(
        name: "runEventsResult",
        description: #"Without `follow`, a page of events; with `follow: true`, where the follow ended."#,
        of: RunEventsResult.self,
        inline: true
    )
    public static let errors: [ErrorSpec] = [
        .invalidParams, .notFound, .internalError, .shuttingDown, .requestCancelled,
    ]
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "run/events (first page)",
                "params": [
                  {
                    "name": "runId",
                    "value": "run_3f2a9c1e7b4d5a60"
                  },
                  {
                    "name": "afterSeq",
                    "value": 0
                  },
                  {
                    "name": "limit",
                    "value": 4
                  }
                ],
                "result": {
                  "name": "run/events (first page) result",
                  "value": {
                    "runId": "run_3f2a9c1e7b4d5a60",
                    "events": [
                      {
                        "seq": 1,
                        "method": "run/started",
                        "params": {
                          "runId": "run_3f2a9c1e7b4d5a60",
                          "seq": 1,
                          "agent": "echo"
                        }
                      },
                      {
                        "seq": 2,
                        "method": "run/step",
                        "params": {
                          "runId": "run_3f2a9c1e7b4d5a60",
                          "seq": 2,
                          "stepId": "1",
                          "status": "started",
                          "name": "echo model call",
                          "agent": "echo"
                        }
                      },
                      {
                        "seq": 3,
                        "method": "run/token",
                        "params": {
                          "runId": "run_3f2a9c1e7b4d5a60",
                          "seq": 3,
                          "agent": "echo",
                          "stepId": "1",
                          "text": "hello "
                        }
                      },
                      {
                        "seq": 4,
                        "method": "run/token",
                        "params": {
                          "runId": "run_3f2a9c1e7b4d5a60",
                          "seq": 4,
                          "agent": "echo",
                          "stepId": "1",
                          "text": "agent "
                        }
                      }
                    ],
                    "lastSeq": 4,
                    "hasMore": true,
                    "status": "completed"
                  }
                }
              },
              {
                "name": "run/events (next page)",
                "params": [
                  {
                    "name": "runId",
                    "value": "run_3f2a9c1e7b4d5a60"
                  },
                  {
                    "name": "afterSeq",
                    "value": 4
                  },
                  {
                    "name": "limit",
                    "value": 4
                  }
                ],
                "result": {
                  "name": "run/events (next page) result",
                  "value": {
                    "runId": "run_3f2a9c1e7b4d5a60",
                    "events": [
                      {
                        "seq": 5,
                        "method": "run/token",
                        "params": {
                          "runId": "run_3f2a9c1e7b4d5a60",
                          "seq": 5,
                          "agent": "echo",
                          "stepId": "1",
                          "text": "world"
                        }
                      },
                      {
                        "seq": 6,
                        "method": "run/step",
                        "params": {
                          "runId": "run_3f2a9c1e7b4d5a60",
                          "seq": 6,
                          "stepId": "1",
                          "status": "completed",
                          "name": "echo model call",
                          "agent": "echo",
                          "durationMs": 2
                        }
                      }
                    ],
                    "lastSeq": 6,
                    "hasMore": false,
                    "status": "completed"
                  }
                }
              },
              {
                "name": "run/events (follow)",
                "description": "Before this reply the server sent the run's notifications with seq 3 to 6 (run/token \"hello \", \"agent \", \"world\", then run/step completed), exactly as they were first sent.",
                "params": [
                  {
                    "name": "runId",
                    "value": "run_3f2a9c1e7b4d5a60"
                  },
                  {
                    "name": "afterSeq",
                    "value": 2
                  },
                  {
                    "name": "follow",
                    "value": true
                  }
                ],
                "result": {
                  "name": "run/events (follow) result",
                  "value": {
                    "runId": "run_3f2a9c1e7b4d5a60",
                    "followed": true,
                    "lastSeq": 6,
                    "status": "completed"
                  }
                }
              }
            ]
            """#
    )

    public typealias Result = RunEventsResult

    public struct Params: ParamsType {
        public static let members: [Member] = [
            .runId,
            Member(
                "afterSeq",
                required: false,
                schema: Schema(
                    json: #"""
                        {
                          "type": "integer",
                          "minimum": 0,
                          "default": 0
                        }
                        """#
                ),
                description: #"Return the events with `seq` above this (default 0: from the first)."#
            ),
            Member(
                "limit",
                required: false,
                schema: Schema(
                    json: #"""
                        {
                          "type": "integer",
                          "minimum": 1,
                          "maximum": 10000,
                          "default": 1000
                        }
                        """#
                ),
                description: #"Largest number of events in a page (1 to 10000, default 1000). Not used with `follow`."#
            ),
            Member(
                "follow",
                required: false,
                schema: Schema(
                    json: #"""
                        {
                          "type": "boolean",
                          "default": false
                        }
                        """#
                ),
                description: #"""
                    Send the events as notifications and keep sending new ones until the run ends, then reply.
                    """#
            ),
        ]
        public static let positional = ["runId", "afterSeq"]

        public var runId: String
        public var afterSeq: Int64?
        public var limit: Int64?
        public var follow: Bool?

        public init(
            runId: String,
            afterSeq: Int64? = nil,
            limit: Int64? = nil,
            follow: Bool? = nil
        ) {
            self.runId = runId
            self.afterSeq = afterSeq
            self.limit = limit
            self.follow = follow
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            runId = try reader.string("runId")
            afterSeq = try reader.optionalInteger("afterSeq")
            limit = try reader.optionalInteger("limit")
            follow = try reader.optionalBool("follow")
        }
    }
}

/// Answer to `run/events`: a page of events, or, with `follow: true`, where the follow ended.
public enum RunEventsResult: ResultType, Equatable {
    /// Without `follow`.
    case page(RunEventsPage)
    /// With `follow: true`, once the run has ended.
    case followed(RunEventsFollowResult)

    public static let name = "RunEventsResult"
    public static let summary = #"A page of events, or where a follow ended."#
    public static let members: [Member] = []
    /// One of the two answers, each a shared schema.
    public static var schema: Schema {
        Schema(["oneOf": [RunEventsPage.ref.json, RunEventsFollowResult.ref.json]])
    }

    /// Writes nothing: the value is the page's or the follow result's (see ``json``).
    public func encode(to object: inout ResultObject) {}

    public var json: JSONValue {
        switch self {
        case .page(let page): page.json
        case .followed(let followed): followed.json
        }
    }
}

/// Answer to `run/events` without `follow`: at most `limit` events after `afterSeq`.
public struct RunEventsPage: ResultType, Equatable {
    public static let name = "RunEventsPage"
    public static let summary = #"Answer to `run/events` without `follow`."#
    public static let members: [Member] = [
        Member("runId", required: true, schema: .ref("RunId")),
        Member(
            "events",
            required: true,
            schema: Schema(["type": "array", "items": RecordedRunEvent.ref.json]),
            description: #"At most `limit` events with `seq` above `afterSeq`, in `seq` order."#
        ),
        Member(
            "lastSeq",
            required: true,
            schema: Schema(["type": "integer", "minimum": 0]),
            description:
                #"The `seq` of the last event in `events`, or `afterSeq` when it is empty: pass it as `afterSeq` to continue."#
        ),
        Member(
            "hasMore",
            required: true,
            schema: Schema(["type": "boolean"]),
            description:
                #"Whether more events were already kept after this page. A running run may add events after a page with `hasMore: false`."#
        ),
        Member("status", required: true, schema: .ref("RunEventStatus")),
    ]

    public var runId: String
    /// The page's events, in `seq` order.
    public var events: [RecordedRunEvent]
    /// The `seq` of the last event, or `afterSeq` when there is none.
    public var lastSeq: UInt64
    /// Whether more events were already kept after this page.
    public var hasMore: Bool
    /// The run's status when the page was read; `nil` if the store could not be read then (`unknown`).
    public var status: RunInfo.Status?

    public init(runId: String, events: [RecordedRunEvent], lastSeq: UInt64, hasMore: Bool, status: RunInfo.Status?) {
        self.runId = runId
        self.events = events
        self.lastSeq = lastSeq
        self.hasMore = hasMore
        self.status = status
    }

    public func encode(to object: inout ResultObject) {
        object["runId"] = .string(runId)
        object.set("events", events)
        object["lastSeq"] = .int(lastSeq)
        object["hasMore"] = .bool(hasMore)
        object["status"] = .string(status?.rawValue ?? "unknown")
    }
}

/// Answer to `run/events` with `follow: true`, sent after the last event once the run has ended.
public struct RunEventsFollowResult: ResultType, Equatable {
    public static let name = "RunEventsFollowResult"
    public static let summary =
        #"Answer to `run/events` with `follow: true`, sent after the last event once the run has ended and its outcome is stored."#
    public static let members: [Member] = [
        Member("runId", required: true, schema: .ref("RunId")),
        Member(
            "followed",
            required: true,
            schema: Schema(["type": "boolean", "const": true]),
            description: #"Always `true`: the events were sent as notifications."#
        ),
        Member(
            "lastSeq",
            required: true,
            schema: Schema(["type": "integer", "minimum": 0]),
            description: #"The `seq` of the last event sent by this follow, or `afterSeq` if none was."#
        ),
        Member("status", required: true, schema: .ref("RunEventStatus")),
    ]

    public var runId: String
    /// The `seq` of the last event sent, or `afterSeq` if none was.
    public var lastSeq: UInt64
    /// The run's status once its outcome was stored; `nil` if the store could not say (`unknown`).
    public var status: RunInfo.Status?

    public init(runId: String, lastSeq: UInt64, status: RunInfo.Status?) {
        self.runId = runId
        self.lastSeq = lastSeq
        self.status = status
    }

    public func encode(to object: inout ResultObject) {
        object["runId"] = .string(runId)
        object["followed"] = true
        object["lastSeq"] = .int(lastSeq)
        object["status"] = .string(status?.rawValue ?? "unknown")
    }
}
