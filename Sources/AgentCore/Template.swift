/// A transform: text with `{{input}}` (the workflow input) and `{{previous}}` (the previous step's
/// output) placeholders. Validated when parsed, so a typo fails at config load, not mid-run.
public struct Template: Sendable, Equatable {
    enum Part: Sendable, Equatable {
        case text(String)
        case input
        case previous
    }

    public let source: String
    let parts: [Part]

    public static let variables = ["input", "previous"]

    /// Parses a template; throws a message naming the unknown or unclosed placeholder.
    public init(_ source: String) throws(TemplateError) {
        self.source = source
        var parts: [Part] = []
        var rest = Substring(source)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw TemplateError(message: "unclosed '{{' in template \"\(source)\"")
            }
            let name = String(rest[open.upperBound..<close.lowerBound]).filter { $0 != " " }
            switch name {
            case "input": parts.append(.input)
            case "previous": parts.append(.previous)
            default:
                throw TemplateError(
                    message:
                        "unknown placeholder '{{\(name)}}' (known: {{input}}, {{previous}}) in template \"\(source)\""
                )
            }
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        self.parts = parts
    }

    public func render(input: String, previous: String) -> String {
        parts.map { part in
            switch part {
            case .text(let text): text
            case .input: input
            case .previous: previous
            }
        }.joined()
    }
}

public struct TemplateError: Error, Sendable, Equatable {
    public var message: String
}
