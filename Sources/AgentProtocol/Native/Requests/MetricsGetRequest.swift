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
        schema: .ref("MetricsGetResult")
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
}
