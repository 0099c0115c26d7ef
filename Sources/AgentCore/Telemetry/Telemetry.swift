import CoreMetrics
import Metrics
import Synchronization
import Tracing

/// Where the core's metrics and spans go: a metrics factory and a tracer, injected so tests (and a
/// process with several runtimes) keep their own. The defaults are the global systems, which do
/// nothing unless the executable bootstrapped them.
public final class Telemetry: Sendable {
    public let tracer: any Tracer
    public let metrics: TelemetryMetrics
    /// Masks secrets and shortens long texts in attributes, trace notifications and labels.
    public let redactor: Redactor
    /// When false, runs record no metrics and open no spans (`run/trace` stays silent).
    public let enabled: Bool
    private let samplers = Mutex<[@Sendable () -> Void]>([])

    public init(
        metrics factory: any MetricsFactory = MetricsSystem.factory,
        tracer: any Tracer = InstrumentationSystem.tracer,
        redactor: Redactor = Redactor(),
        enabled: Bool = true
    ) {
        self.tracer = tracer
        self.redactor = redactor
        self.enabled = enabled
        self.metrics = TelemetryMetrics(factory: enabled ? factory : NOOPMetricsHandler.instance, redactor: redactor)
    }

    /// No metrics, no spans.
    public static var disabled: Telemetry {
        Telemetry(metrics: NOOPMetricsHandler.instance, tracer: NoOpTracer(), enabled: false)
    }

    /// Adds a probe run before metrics are read, for values that are cheaper to sample than to track
    /// (the bytes waiting for a client).
    public func addSampler(_ sampler: @escaping @Sendable () -> Void) {
        samplers.withLock { $0.append(sampler) }
    }

    /// Runs every sampler; exposition calls this before rendering.
    public func sample() {
        for sampler in samplers.withLock({ $0 }) { sampler() }
    }

    /// The telemetry of one run, or nil when telemetry is off.
    func startRun(
        runId: String,
        name: String,
        strategy: String?,
        input: String,
        parent: TraceContext?,
        config: AgentConfig
    ) -> RunTelemetry? {
        guard enabled else { return nil }
        return RunTelemetry(
            telemetry: self,
            runId: runId,
            name: name,
            strategy: strategy,
            input: input,
            parent: parent,
            config: config
        )
    }
}
