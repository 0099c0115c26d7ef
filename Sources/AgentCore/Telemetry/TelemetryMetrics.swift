import CoreMetrics
import Metrics

/// Every metric AgentWire records, under the names the services it replaces used (so their dashboards
/// keep working), plus the service's own `agentwire_*` metrics.
public final class TelemetryMetrics: Sendable {
    /// Agent runs by how they ended (`completed`, `failed`, `cancelled`).
    let streamSessions: MetricFamily<Counter>
    /// Tokens streamed, by the agent that produced them (in agent runs and workflows alike).
    let streamChunks: MetricFamily<Counter>
    let streamSessionDuration: MetricFamily<Timer>
    let streamSessionsActive: MetricFamily<Meter>
    let coordinatorWorkflows: MetricFamily<Counter>
    let coordinatorWorkflowDuration: MetricFamily<Timer>
    let llmCalls: MetricFamily<Counter>
    /// `type` is `input` or `output`.
    let llmTokens: MetricFamily<Counter>
    let llmCallDuration: MetricFamily<Timer>
    /// What model calls cost, in US dollars, by model and agent (calls of priced models only).
    let llmCost: MetricFamily<FloatingPointCounter>
    let requests: MetricFamily<Counter>
    let requestDuration: MetricFamily<Timer>
    /// Bytes written by the service but not yet taken by the client, sampled when metrics are read.
    public let outboundQueueBytes: Gauge

    /// The names and label names of every metric, for documentation and exposition help texts.
    public static let catalog: [(name: String, labels: [String], help: String)] = [
        ("stream_sessions_total", ["agent", "status"], "Agent runs (stream sessions) by how they ended."),
        ("stream_chunks_sent_total", ["agent"], "Tokens streamed, by the agent that produced them."),
        ("stream_session_duration_seconds", ["agent", "status"], "Duration of agent runs."),
        ("stream_sessions_active", ["agent"], "Agent runs in flight."),
        ("coordinator_workflows_total", ["strategy", "status"], "Workflows by strategy and how they ended."),
        ("coordinator_workflow_duration_seconds", ["strategy", "status"], "Duration of workflows."),
        ("llm_calls_total", ["model", "agent", "status"], "Model calls by how they ended."),
        ("llm_tokens_used_total", ["model", "agent", "type"], "Tokens used by model calls (type: input or output)."),
        ("llm_call_duration_seconds", ["model", "agent", "status"], "Duration of model calls."),
        ("llm_cost_dollars_total", ["model", "agent"], "What model calls cost in US dollars (priced models only)."),
        ("agentwire_requests_total", ["method", "status"], "JSON-RPC requests answered, by method and outcome."),
        ("agentwire_request_duration_seconds", ["method"], "Time from a request's arrival to its reply."),
        ("agentwire_outbound_queue_bytes", [], "Bytes waiting in the outbound queue to the client."),
        ("store_errors_total", ["operation"], "Run store calls that failed, by operation (write, read, poll)."),
    ]

    init(factory: any MetricsFactory, redactor: Redactor) {
        func counters(_ name: String, _ labels: [String]) -> MetricFamily<Counter> {
            MetricFamily(name, labels: labels, redactor: redactor) {
                Counter(label: $0, dimensions: $1, factory: factory)
            }
        }
        func timers(_ name: String, _ labels: [String]) -> MetricFamily<Timer> {
            MetricFamily(name, labels: labels, redactor: redactor) {
                Timer(label: $0, dimensions: $1, preferredDisplayUnit: .seconds, factory: factory)
            }
        }
        streamSessions = counters("stream_sessions_total", ["agent", "status"])
        streamChunks = counters("stream_chunks_sent_total", ["agent"])
        streamSessionDuration = timers("stream_session_duration_seconds", ["agent", "status"])
        streamSessionsActive = MetricFamily("stream_sessions_active", labels: ["agent"], redactor: redactor) {
            Meter(label: $0, dimensions: $1, factory: factory)
        }
        coordinatorWorkflows = counters("coordinator_workflows_total", ["strategy", "status"])
        coordinatorWorkflowDuration = timers("coordinator_workflow_duration_seconds", ["strategy", "status"])
        llmCalls = counters("llm_calls_total", ["model", "agent", "status"])
        llmTokens = counters("llm_tokens_used_total", ["model", "agent", "type"])
        llmCallDuration = timers("llm_call_duration_seconds", ["model", "agent", "status"])
        llmCost = MetricFamily("llm_cost_dollars_total", labels: ["model", "agent"], redactor: redactor) {
            FloatingPointCounter(label: $0, dimensions: $1, factory: factory)
        }
        requests = counters("agentwire_requests_total", ["method", "status"])
        requestDuration = timers("agentwire_request_duration_seconds", ["method"])
        outboundQueueBytes = Gauge(label: "agentwire_outbound_queue_bytes", dimensions: [], factory: factory)
    }

    /// Counts one answered request. `method` should be one the server knows (labels stay few).
    public func requestAnswered(method: String, failed: Bool, nanoseconds: Int64) {
        requests(method, failed ? "error" : "ok").increment()
        requestDuration(method).recordNanoseconds(nanoseconds)
    }
}
