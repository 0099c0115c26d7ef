import JSONCore
import JSONRPC

/// Who sends a message, and whether it is answered: the four directions of a two-way JSON-RPC connection.
///
/// The raw value is the OpenRPC tag the document files the method under.
public enum Direction: String, Sendable, CaseIterable {
    /// Sent by the client; the server replies with a result or an error.
    case clientRequest = "client-request"
    /// Sent by the client; the server does not reply.
    case clientNotification = "client-notification"
    /// Sent by the server; the client must not reply.
    case serverNotification = "server-notification"
    /// Sent by the server with an id of its own; the client answers with a result or an error.
    case serverRequest = "server-request"
}

/// One protocol message: its method name, who sends it, its params and the prose that documents it.
///
/// Conforming types are namespaces (`enum`s) declared one per file; the OpenRPC document is built from
/// them, so the code that decodes a message and the contract that describes it cannot drift apart.
public protocol MessageType: Sendable {
    associatedtype Params: ParamsType
    /// The JSON-RPC method name.
    static var method: String { get }
    static var direction: Direction { get }
    /// One line, for the method list.
    static var summary: String { get }
    /// What the message does, in the order a reader needs it: behaviour, cancellation, errors.
    static var description: String { get }
    /// OpenRPC example pairings (`[{name, params: [{name, value}], result?}]`), or `[]`.
    static var examples: JSONValue { get }
}

extension MessageType {
    public static var examples: JSONValue { [] }
}

/// A message that is answered: a client request, or a server request the client answers.
public protocol RequestType: MessageType {
    /// The type the request is answered with.
    associatedtype Result: ResultType
    /// The result's name, description and schema.
    static var result: ResultSpec { get }
    /// The errors this request may be answered with, beyond the ones every request may get.
    static var errors: [ErrorSpec] { get }
}

extension RequestType {
    public static var errors: [ErrorSpec] { [] }
}

/// A message that is never answered.
public protocol NotificationType: MessageType {}

/// The result of a request, as OpenRPC's content descriptor declares it.
public struct ResultSpec: Sendable {
    public var name: String
    public var description: String?
    public var schema: Schema

    init(name: String, description: String? = nil, schema: Schema) {
        self.name = name
        self.description = description
        self.schema = schema
    }

    /// The result of a request answered with `type`: a reference to its shared schema, or (`inline`, for
    /// faces whose document has no shared schemas) the schema itself.
    public init<T: ResultType>(name: String, description: String? = nil, of type: T.Type, inline: Bool = false) {
        self.init(name: name, description: description, schema: inline || T.self == NullResult.self ? T.schema : T.ref)
    }
}

/// A named error of the protocol: its code and an example error object (`components.errors`).
public struct ErrorSpec: Sendable {
    public var name: String
    public var code: ErrorCode
    public var example: JSONValue

    public init(_ name: String, code: ErrorCode, json: String) {
        self.name = name
        self.code = code
        self.example = JSONValue(json: json)
    }
}
