import JSONCore
import JSONRPC

/// Read the metrics in Prometheus text format.
public enum MetricsGetRequest: RequestType {
    public static let method = "metrics/get"
    public static let direction = Direction.clientRequest
    public static let summary = #"Read the metrics in Prometheus text format."#
    public static let description = #"""
        Returns every metric of the process (runs, workflows, model calls, tokens, requests, the outbound queue) as Prometheus text, for clients that cannot scrape `GET /metrics` (see `--metrics-listen`). Takes no params (any given are ignored).

        Errors: -32003 after `shutdown`.
        """#
    public static let result = ResultSpec(
        name: "metricsGetResult",
        of: MetricsGetResult.self
    )
    public static let errors: [ErrorSpec] = [.shuttingDown]
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "metrics/get",
                "params": [],
                "result": {
                  "name": "metrics/get result",
                  "value": {
                    "contentType": "text/plain; version=0.0.4; charset=utf-8",
                    "text": "# HELP stream_sessions_total Agent runs (stream sessions) by how they ended.\n# TYPE stream_sessions_total counter\nstream_sessions_total{agent=\"echo\",status=\"completed\"} 3\n"
                  }
                }
              }
            ]
            """#
    )
    public typealias Params = NoParams
    public typealias Result = MetricsGetResult
}

/// Answer to `metrics/get`: the metrics as Prometheus text.
public struct MetricsGetResult: ResultType, Equatable {
    public static let name = "MetricsGetResult"
    public static let summary =
        #"The process's metrics in the Prometheus text exposition format (the same text `GET /metrics` serves with `--metrics-listen`). Without a metrics backend (`--no-telemetry`, or an embedding that gives none) `text` is a single comment line."#
    public static let members: [Member] = [
        Member(
            "contentType",
            required: true,
            schema: .string,
            description: #"`text/plain; version=0.0.4; charset=utf-8`."#
        ),
        Member(
            "text",
            required: true,
            schema: .string,
            description:
                #"Prometheus text format: `stream_sessions_total{agent,status}`, `stream_chunks_sent_total{agent}`, `stream_session_duration_seconds{agent,status}`, `stream_sessions_active{agent}`, `coordinator_workflows_total{strategy,status}`, `coordinator_workflow_duration_seconds{strategy,status}`, `llm_calls_total{model,agent,status}`, `llm_tokens_used_total{model,agent,type}`, `llm_call_duration_seconds{model,agent,status}`, `agentwire_requests_total{method,status}`, `agentwire_request_duration_seconds{method}`, `agentwire_outbound_queue_bytes`."#
        ),
    ]

    /// The Prometheus text format's media type.
    public static let prometheusContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The media type of ``text``.
    public var contentType: String
    /// The metrics.
    public var text: String

    public init(contentType: String = Self.prometheusContentType, text: String) {
        self.contentType = contentType
        self.text = text
    }

    public func encode(to object: inout ResultObject) {
        object["contentType"] = .string(contentType)
        object["text"] = .string(text)
    }
}
