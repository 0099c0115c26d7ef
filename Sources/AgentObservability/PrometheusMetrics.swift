import AgentCore
import AgentService
import CoreMetrics
import Prometheus

/// The executable's metrics backend: a Prometheus registry fed through swift-metrics, rendered in the
/// Prometheus text format for `metrics/get` and `GET /metrics`.
public final class PrometheusMetrics: MetricsExposition {
    public let registry: PrometheusCollectorRegistry
    /// The factory to bootstrap `MetricsSystem` with (or to hand to a runtime directly).
    public let factory: any MetricsFactory
    public let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        self.factory = DescribedPrometheusFactory(registry: registry)
    }

    public func render() -> String {
        registry.emitToString()
    }
}

/// A Prometheus factory that gives the metrics AgentWire knows their `# HELP` text (linters such as
/// `promtool check metrics` ask for it) and its duration histograms buckets suited to model calls.
struct DescribedPrometheusFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry
    private let plain: PrometheusMetricsFactory
    private let help: [String: String]
    static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
        .seconds(120),
    ]

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        self.plain = PrometheusMetricsFactory(registry: registry)
        self.help = Dictionary(uniqueKeysWithValues: TelemetryMetrics.catalog.map { ($0.name, $0.help) })
    }

    private func descriptor(_ label: String) -> MetricNameDescriptor? {
        help[label].map { MetricNameDescriptor(metricName: label, unitName: "", helpText: $0) }
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        guard let descriptor = descriptor(label) else { return plain.makeCounter(label: label, dimensions: dimensions) }
        return dimensions.isEmpty
            ? registry.makeCounter(descriptor: descriptor)
            : registry.makeCounter(descriptor: descriptor, labels: dimensions)
    }

    /// A Prometheus counter takes fractional increments as well (`llm_cost_dollars_total`).
    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        guard let descriptor = descriptor(label) else {
            return plain.makeFloatingPointCounter(label: label, dimensions: dimensions)
        }
        return dimensions.isEmpty
            ? registry.makeCounter(descriptor: descriptor)
            : registry.makeCounter(descriptor: descriptor, labels: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard !aggregate, let descriptor = descriptor(label) else {
            return plain.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
        }
        return dimensions.isEmpty
            ? registry.makeGauge(descriptor: descriptor)
            : registry.makeGauge(descriptor: descriptor, labels: dimensions)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        guard let descriptor = descriptor(label) else { return plain.makeMeter(label: label, dimensions: dimensions) }
        return dimensions.isEmpty
            ? registry.makeGauge(descriptor: descriptor)
            : registry.makeGauge(descriptor: descriptor, labels: dimensions)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        guard let descriptor = descriptor(label) else { return plain.makeTimer(label: label, dimensions: dimensions) }
        return dimensions.isEmpty
            ? registry.makeDurationHistogram(descriptor: descriptor, buckets: Self.durationBuckets)
            : registry.makeDurationHistogram(descriptor: descriptor, labels: dimensions, buckets: Self.durationBuckets)
    }

    func destroyCounter(_ handler: any CounterHandler) { plain.destroyCounter(handler) }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        plain.destroyFloatingPointCounter(handler)
    }
    func destroyRecorder(_ handler: any RecorderHandler) { plain.destroyRecorder(handler) }
    func destroyMeter(_ handler: any MeterHandler) { plain.destroyMeter(handler) }
    func destroyTimer(_ handler: any TimerHandler) { plain.destroyTimer(handler) }
}
