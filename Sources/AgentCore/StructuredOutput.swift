import JSONCore

/// A run's final output read as the JSON its `outputSchema` asks for.
public enum StructuredOutput {
    /// Parses `output` (whitespace, or one Markdown code fence around it, allowed) and validates it
    /// against `schema`. Throws -32012's failure, with every problem found and the raw text as the
    /// partial output, when it is not JSON or breaks the schema.
    public static func parse(
        _ output: String,
        schema: JSONValue,
        runId: String? = nil,
        outputTokens: Int = 0
    ) throws(RunFailure) -> JSONValue {
        let value: JSONValue
        do {
            value = try JSONValue.parse(String(jsonText(in: output)), allowScalars: true)
        } catch {
            throw mismatch(
                [SchemaError(path: "$", message: "not JSON: \(error.message) at line \(error.line)")],
                output: output,
                runId: runId,
                outputTokens: outputTokens
            )
        }
        let errors = SchemaValidator.errors(value, schema: schema)
        guard errors.isEmpty else {
            throw mismatch(errors, output: output, runId: runId, outputTokens: outputTokens)
        }
        return value
    }

    /// The text between a leading ```` ``` ```` (or ```` ```json ````) line and a closing fence, when the
    /// output is wrapped in one; else the output trimmed.
    static func jsonText(in output: String) -> Substring {
        var text = output[...]
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        guard text.hasPrefix("```"), text.hasSuffix("```"), text.count >= 6,
            let lineEnd = text.firstIndex(of: "\n")
        else { return text }
        return text[text.index(after: lineEnd)..<text.index(text.endIndex, offsetBy: -3)]
    }

    private static func mismatch(
        _ errors: [SchemaError],
        output: String,
        runId: String?,
        outputTokens: Int
    ) -> RunFailure {
        let shown = errors.prefix(3).map { "\($0.path): \($0.message)" }.joined(separator: "; ")
        let more = errors.count > 3 ? " (and \(errors.count - 3) more)" : ""
        var failure = RunFailure(
            kind: .outputMismatch,
            message: "Output does not match schema: \(shown)\(more)",
            runId: runId,
            suggestions: [
                "Say in the agent's systemPrompt what JSON to answer with.",
                "Check outputSchema: a model may not be able to meet it.",
            ],
            partialOutput: output,
            details: [
                "errors": .json(
                    .array(errors.prefix(100).map { ["path": .string($0.path), "message": .string($0.message)] })
                )
            ]
        )
        failure.outputTokens = outputTokens
        return failure
    }
}
