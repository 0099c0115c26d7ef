import JSONCore

extension NativeProtocol {
    /// Shared schemas: what the client tells `initialize` about itself.
    static let schemasLifecycle: [(name: String, schema: Schema)] = [
        (
            "ClientInfo",
            Schema(
                json: #"""
                    {
                      "title": "ClientInfo",
                      "description": "Name and version of the client.",
                      "type": "object",
                      "properties": {
                        "name": {
                          "type": "string",
                          "description": "Client name."
                        },
                        "version": {
                          "type": "string",
                          "description": "Client version."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "ClientCapabilities",
            Schema(
                json: #"""
                    {
                      "title": "ClientCapabilities",
                      "description": "Capabilities the client announces. No client capabilities are defined yet; the object is accepted and may be empty.",
                      "type": "object"
                    }
                    """#
            )
        ),
    ]
}
