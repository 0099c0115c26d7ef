import Synchronization

/// The handles of one metric, made once per set of label values and kept, so the token path only
/// looks one up (never creates one).
final class MetricFamily<Handle: AnyObject & Sendable>: Sendable {
    let name: String
    let labels: [String]
    private let make: @Sendable (String, [(String, String)]) -> Handle
    private let cache = Mutex<[[String]: Handle]>([:])
    private let redactor: Redactor

    init(
        _ name: String,
        labels: [String],
        redactor: Redactor,
        make: @escaping @Sendable (String, [(String, String)]) -> Handle
    ) {
        self.name = name
        self.labels = labels
        self.redactor = redactor
        self.make = make
    }

    /// The handle for these label values, in the order of ``labels``.
    func callAsFunction(_ values: String...) -> Handle {
        handle(values)
    }

    func handle(_ values: [String]) -> Handle {
        if let handle = cache.withLock({ $0[values] }) { return handle }
        let dimensions = zip(labels, values).map { ($0, redactor.redact($1)) }
        return cache.withLock { cache in
            if let handle = cache[values] { return handle }
            let handle = make(name, dimensions)
            cache[values] = handle
            return handle
        }
    }
}
