import AgentCore
import AgentObservability
import ArgumentParser
import Dispatch
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Tracing

/// Metrics and tracing options of `serve`, and the backends they set up. This is the only place the
/// process-wide metrics and tracing systems are bootstrapped.
struct TelemetryOptions: ParsableArguments {
    @Option(
        help: """
            Serve GET /metrics (Prometheus text) over HTTP at HOST:PORT; a bare PORT listens on 127.0.0.1 \
            only. Port 0 picks a free port (logged at start).
            """
    )
    var metricsListen: String?

    @Option(help: "Export spans over OTLP/HTTP to this collector, e.g. http://127.0.0.1:4318 (see --otlp-encoding).")
    var otlpEndpoint: String?

    @Option(help: "How spans are encoded for --otlp-endpoint: protobuf or json.")
    var otlpEncoding: OTLPTracing.Encoding = .protobuf

    @Option(help: "Longest input or output text kept in a span attribute, in characters.")
    var traceAttributeLimit: Int = 1024

    @Flag(help: "Record no metrics and no spans (metrics/get answers a placeholder, run/trace stays silent).")
    var noTelemetry = false

    func validate() throws {
        if let metricsListen, ListenAddress(metricsListen) == nil {
            throw ValidationError("--metrics-listen expects PORT, HOST:PORT or [IPv6]:PORT, got '\(metricsListen)'")
        }
        if let otlpEndpoint, !(otlpEndpoint.hasPrefix("http://") || otlpEndpoint.hasPrefix("https://")) {
            throw ValidationError("--otlp-endpoint expects an http:// or https:// URL, got '\(otlpEndpoint)'")
        }
        guard traceAttributeLimit >= 16 else { throw ValidationError("--trace-attribute-limit must be at least 16") }
        if noTelemetry, metricsListen != nil || otlpEndpoint != nil {
            throw ValidationError("--no-telemetry cannot be combined with --metrics-listen or --otlp-endpoint")
        }
    }

    /// Bootstraps the metrics system (Prometheus) and, with `--otlp-endpoint`, the tracer.
    func bootstrap(logger: Logger) throws -> TelemetryBackends {
        let redactor = Redactor(maxLength: traceAttributeLimit, secrets: Self.secretsInEnvironment())
        guard !noTelemetry else { return TelemetryBackends(telemetry: .disabled, prometheus: nil, otlp: nil) }
        let prometheus = PrometheusMetrics()
        MetricsSystem.bootstrap(prometheus.factory)
        var otlp: OTLPTracing? = nil
        if let otlpEndpoint {
            let tracing = try OTLPTracing(endpoint: otlpEndpoint, encoding: otlpEncoding, logger: logger)
            InstrumentationSystem.bootstrap(tracing.tracer)
            otlp = tracing
        }
        return TelemetryBackends(telemetry: Telemetry(redactor: redactor), prometheus: prometheus, otlp: otlp)
    }

    /// Values of environment variables that hold credentials (`*_API_KEY`, `*_TOKEN`, `*SECRET*`,
    /// `*PASSWORD*`): they are masked wherever they would show up in telemetry.
    static func secretsInEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> [String]
    {
        environment.compactMap { name, value in
            let upper = name.uppercased()
            let secret =
                upper.hasSuffix("API_KEY") || upper.hasSuffix("_TOKEN") || upper.contains("SECRET")
                || upper.contains("PASSWORD")
            return secret && value.count >= 8 ? value : nil
        }
    }
}

extension OTLPTracing.Encoding: ExpressibleByArgument {}

/// What ``TelemetryOptions/bootstrap(logger:)`` set up.
struct TelemetryBackends {
    let telemetry: Telemetry
    let prometheus: PrometheusMetrics?
    let otlp: OTLPTracing?

    /// The telemetry services of `serve`, for its `ServiceGroup`: the span exporter, then the metrics
    /// listener (bound here, so a busy port fails the start). The group shuts them down in reverse order.
    func services(listen: String?, logger: Logger) async throws -> [any Service] {
        var services: [any Service] = []
        if let otlp {
            services.append(otlp.service)
            logger.info("Exporting spans", metadata: ["endpoint": "\(otlp.endpoint)"])
        }
        if let listen, let address = ListenAddress(listen), let prometheus {
            let telemetry = self.telemetry
            let listener: MetricsListener
            do {
                listener = try await MetricsListener.start(at: address, contentType: prometheus.contentType) {
                    telemetry.sample()
                    return prometheus.render()
                }
            } catch {
                throw CommandFailure("cannot listen for metrics on \(address): \(error)")
            }
            logger.notice("Serving metrics", metadata: ["address": "http://\(listener.address)/metrics"])
            services.append(listener)
        }
        return services
    }
}
