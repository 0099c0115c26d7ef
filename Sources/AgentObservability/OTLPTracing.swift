import Logging
import OTel
import ServiceLifecycle
import Tracing

/// Spans exported over OTLP/HTTP, protobuf-encoded unless JSON is asked for (swift-otel), for Jaeger, Tempo, an OpenTelemetry
/// collector or LangSmith's OTLP ingestion.
public struct OTLPTracing: Sendable {
    /// The tracer to bootstrap `InstrumentationSystem` with (or to hand to a runtime).
    public let tracer: any Tracer
    /// Batches and sends spans; must run for anything to be exported (``run()``).
    public let service: any Service
    /// Where spans are posted.
    public let endpoint: String

    /// How spans are encoded on the wire.
    public enum Encoding: String, Sendable, CaseIterable {
        /// `application/x-protobuf`, what every collector takes.
        case protobuf
        /// `application/json`. swift-otel 1.6.0 writes trace and span ids in protobuf's JSON mapping
        /// (base64) rather than OTLP/JSON's hex, so only receivers that accept that can read it.
        case json
    }

    /// - Parameters:
    ///   - endpoint: the collector's base URL (`http://host:4318`, to which `/v1/traces` is added) or the
    ///     full traces URL.
    ///   - scheduleDelay: how long finished spans may wait before they are sent in a batch.
    ///   - logger: where export problems are reported (stderr in the executable).
    public init(
        endpoint: String,
        serviceName: String = "agentwire",
        encoding: Encoding = .protobuf,
        scheduleDelay: Duration = .seconds(1),
        logger: Logger
    ) throws {
        let url = Self.tracesURL(endpoint)
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        configuration.diagnosticLogger = .custom(logger)
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        configuration.traces.otlpExporter.endpoint = url
        configuration.traces.otlpExporter.protocol = encoding == .json ? .httpJSON : .httpProtobuf
        configuration.traces.batchSpanProcessor.scheduleDelay = scheduleDelay
        configuration.traces.sampler = .parentBasedAlwaysOn
        configuration.propagators = [.traceContext]
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        tracer = backend.factory
        service = backend.service
        self.endpoint = url
    }

    /// Runs the exporter until the task is cancelled or the service group shuts down.
    public func run() async throws {
        try await service.run()
    }

    /// `http://host:4318` → `http://host:4318/v1/traces`; a URL with a path is kept as it is.
    static func tracesURL(_ endpoint: String) -> String {
        guard let scheme = endpoint.range(of: "://") else { return endpoint }
        let rest = endpoint[scheme.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return endpoint + "/v1/traces" }
        return rest[slash...] == "/" ? endpoint + "v1/traces" : endpoint
    }
}
