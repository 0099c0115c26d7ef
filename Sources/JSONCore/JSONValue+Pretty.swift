import CJansson

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension JSONValue {
    /// The JSON text of this value indented by two spaces, members in their order, for documents people
    /// read and diff (schemas); the wire always uses the compact form.
    public var prettyText: String {
        guard let tree = makeJansson() else { return jsonString }
        defer { json_decref(tree) }
        // JSON_INDENT(2): jansson's flag macro is function-like, so Swift cannot see it; the low five bits
        // of the flags are the indentation.
        let indentTwo = 2
        guard let text = json_dumps(tree, indentTwo | Int(JSON_ENCODE_ANY)) else { return jsonString }
        defer { free(text) }
        return String(cString: text)
    }
}
