import JSONCore

/// The native protocol's shared schemas, as the document's `components.schemas`, in its order; each group
/// lives in a file of its own under `Schemas/`.
extension NativeProtocol {
    public static let schemas: [(name: String, schema: Schema)] =
        schemasValues + schemasWorkflows + schemasLifecycle + schemasResults + schemasRuns + schemasEvents
        + schemasStats + schemasNotifications + schemasErrors + schemasNotFound + schemasTools
        + resultTypes.map { ($0.name, $0.schema) }

    /// The types requests are answered with, and the objects inside them, each a shared schema of its own.
    public static let resultTypes: [any ResultType.Type] = [
        RunCancelResult.self
    ]
}
