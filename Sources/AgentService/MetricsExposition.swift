/// Renders the process's metrics as text for `metrics/get` (the executable's Prometheus registry).
public protocol MetricsExposition: Sendable {
    /// The media type of ``render()``'s text, e.g. Prometheus' `text/plain; version=0.0.4`.
    var contentType: String { get }
    /// Every metric's current value.
    func render() -> String
}
