extension JSONValue {
    /// Parses JSON text that is part of the program (schemas, examples), never input.
    ///
    /// - Important: Traps on invalid JSON: that is a programming error, and the tests that print each
    ///   schema parse every such text.
    public init(json text: String) {
        do {
            self = try JSONValue.parse(text, allowScalars: true)
        } catch {
            preconditionFailure("invalid JSON in the program's source: \(error)\n\(text.prefix(200))")
        }
    }
}
