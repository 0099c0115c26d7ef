import JSONCore

/// One JSON-RPC message after the envelope has been checked.
public enum Message: Sendable, Equatable {
    case request(id: RequestID, method: String, params: JSONValue?)
    case notification(method: String, params: JSONValue?)
    case response(id: RequestID, result: Result<JSONValue, ResponseError>)
    /// Not a valid message. `id` is the request's id when it could be read, so the error reply can carry it.
    case invalid(id: RequestID, error: ResponseError)

    /// Classifies one element of the wire (a top-level object or a batch member).
    ///
    /// `"params": null` is taken as absent (Emacs jsonrpc.el sends it). Params that are neither an object
    /// nor an array make the message invalid.
    public init(_ value: JSONValue) {
        guard case .object(let object) = value else {
            self = .invalid(id: .null, error: .invalidRequest("a message must be a JSON object, got \(value.typeName)"))
            return
        }
        // Recover the id first, so every later error can carry it.
        var id = RequestID.null
        let idValue = object["id"]
        if let idValue {
            guard let parsed = RequestID(idValue) else {
                self = .invalid(id: .null, error: .invalidRequest("\"id\" must be a string, a number or null"))
                return
            }
            id = parsed
        }
        guard object["jsonrpc"] == .string("2.0") else {
            self = .invalid(id: id, error: .invalidRequest("\"jsonrpc\" must be exactly \"2.0\""))
            return
        }
        if let methodValue = object["method"] {
            guard case .string(let method) = methodValue else {
                self = .invalid(id: id, error: .invalidRequest("\"method\" must be a string"))
                return
            }
            var params = object["params"]
            if params == .null { params = nil }
            if let params, params.objectValue == nil, params.arrayValue == nil {
                self = .invalid(id: id, error: .invalidRequest("\"params\" must be an object or an array"))
                return
            }
            self =
                idValue == nil
                ? .notification(method: method, params: params) : .request(id: id, method: method, params: params)
            return
        }
        if idValue != nil, let result = object["result"], object["error"] == nil {
            self = .response(id: id, result: .success(result))
            return
        }
        if idValue != nil, let error = object["error"]?.objectValue, object["result"] == nil,
            let code = error["code"]?.integerValue, let message = error["message"]?.stringValue
        {
            self = .response(
                id: id,
                result: .failure(
                    ResponseError(code: ErrorCode(rawValue: Int(code)), message: message, data: error["data"])
                )
            )
            return
        }
        self = .invalid(
            id: id,
            error: .invalidRequest("a message needs \"method\", or \"result\" or \"error\" with an \"id\"")
        )
    }
}

/// What one frame of input holds: a single message or a batch.
public enum Incoming: Sendable, Equatable {
    case single(Message)
    case batch([Message])
    /// The frame is not JSON; the reply is one parse error with a null id.
    case unparseable(ResponseError)
    /// An empty array; the reply is one invalid-request error.
    case emptyBatch

    /// Parses a frame's bytes with jansson and classifies them.
    public init(frame: UnsafeRawBufferPointer) {
        let value: JSONValue
        do {
            value = try JSONValue.parse(frame, allowScalars: true)
        } catch {
            self = .unparseable(.parseError(error.description))
            return
        }
        switch value {
        case .array(let elements):
            self = elements.isEmpty ? .emptyBatch : .batch(elements.map(Message.init))
        default:
            self = .single(Message(value))
        }
    }

    public init(frame: [UInt8]) {
        self = frame.withUnsafeBytes { Incoming(frame: $0) }
    }
}

/// Builders for outgoing envelopes.
public enum Envelope {
    public static func response(id: RequestID, result: JSONValue) -> JSONValue {
        .object(["jsonrpc": "2.0", "id": id.json, "result": result])
    }

    public static func error(id: RequestID, _ error: ResponseError) -> JSONValue {
        .object(["jsonrpc": "2.0", "id": id.json, "error": error.json])
    }

    public static func response(id: RequestID, _ result: Result<JSONValue, ResponseError>) -> JSONValue {
        switch result {
        case .success(let value): response(id: id, result: value)
        case .failure(let error): self.error(id: id, error)
        }
    }

    public static func notification(method: String, params: JSONValue?) -> JSONValue {
        var object: JSONObject = ["jsonrpc": "2.0", "method": .string(method)]
        if let params { object["params"] = params }
        return .object(object)
    }

    public static func request(id: RequestID, method: String, params: JSONValue?) -> JSONValue {
        var object: JSONObject = ["jsonrpc": "2.0", "id": id.json, "method": .string(method)]
        if let params { object["params"] = params }
        return .object(object)
    }
}
