import JSONCore

/// One event of a run as `run/events` returns it: the notification the run produced, with its `seq`
/// repeated.
public struct RecordedRunEvent: ResultType, Equatable {
    public static let name = "RecordedEvent"
    public static let summary =
        #"One event of a run as `run/events` returns it: the notification the run produced, with its `seq` repeated for convenience. `params` are exactly the notification's params (`runId` and `seq` included)."#
    /// The notifications a run's events are sent as, with their params' schemas.
    static let notifications: [(method: String, params: String)] = [
        (RunStartedNotification.method, "RunStartedParams"), (RunStepNotification.method, "RunStepParams"),
        (RunTokenNotification.method, "RunTokenParams"), (RunThinkingNotification.method, "RunThinkingParams"),
        (RunProgressNotification.method, "RunProgressParams"),
        (RunHeartbeatNotification.method, "RunHeartbeatParams"), (RunToolNotification.method, "RunToolParams"),
    ]
    public static let members: [Member] = [
        Member("seq", required: true, schema: .ref("Seq")),
        Member(
            "method",
            required: true,
            schema: Schema(["type": "string", "enum": .array(notifications.map { .string($0.method) })]),
            description: #"The notification's method."#
        ),
        Member(
            "params",
            required: true,
            schema: Schema(["type": "object"]),
            description: #"The notification's params."#
        ),
    ]
    /// Each method's params schema.
    public static var extraKeywords: JSONObject {
        [
            "allOf": .array(
                notifications.map { notification in
                    [
                        "if": [
                            "properties": ["method": ["const": .string(notification.method)]], "required": ["method"],
                        ],
                        "then": ["properties": ["params": Schema.ref(notification.params).json]],
                    ]
                }
            )
        ]
    }

    public var seq: UInt64
    /// The notification's method (`run/step`, `run/token`, …).
    public var method: String
    /// The notification's params, exactly as they were sent (`runId` and `seq` included); each method's
    /// params are declared by its notification type.
    public var params: JSONObject

    public init(seq: UInt64, method: String, params: JSONObject) {
        self.seq = seq
        self.method = method
        self.params = params
    }

    public func encode(to object: inout ResultObject) {
        object["seq"] = .int(seq)
        object["method"] = .string(method)
        object["params"] = .object(params)
    }
}
