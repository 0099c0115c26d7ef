/// Limits of the service, from the `limits` section of the config. Every one has a default.
public struct ServiceLimits: Sendable, Equatable {
    /// Runs in flight at once; more are refused with an overloaded error.
    public var maxConcurrentRuns = 64
    /// Run-starting requests per minute per connection; `nil` is no limit.
    public var requestsPerMinute: Int? = nil
    /// Interval of `run/heartbeat` while a run is active.
    public var heartbeatSeconds: Double = 15
    /// A run with no event for this long is reaped (cancelled and counted).
    public var staleAfterSeconds: Double = 300
    /// Runs kept for the rolling statistics window.
    public var statsWindow = 1000

    public init() {}
}
