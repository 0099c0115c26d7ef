import JSONCore

/// What a request is answered with, or an object inside such an answer: a value with declared members that
/// writes itself through them.
///
/// The shared schema (`#/components/schemas/NAME`) is built from ``ObjectType/members``, and
/// ``encode(to:)`` can only write declared members (a debug build traps on any other), so the document and
/// the bytes on the wire come from one declaration.
public protocol ResultType: ObjectType {
    /// The shared schema's name and title (`RunCancelResult`).
    static var name: String { get }
    /// The shared schema's description.
    static var summary: String { get }
    /// Keywords beyond the members (`allOf`, `oneOf`) that tie members to each other; `[:]` by default.
    static var extraKeywords: JSONObject { get }
    /// The schema; by default the object schema of ``ObjectType/members``.
    static var schema: Schema { get }
    /// Writes the members that are present.
    func encode(to object: inout ResultObject)
    /// The value as it goes on the wire; by default the object ``encode(to:)`` writes.
    var json: JSONValue { get }
}

extension ResultType {
    public static var extraKeywords: JSONObject { [:] }

    public static var schema: Schema {
        objectSchema(title: name, description: summary, extra: extraKeywords)
    }

    public var json: JSONValue {
        var object = ResultObject(declaring: Self.self)
        encode(to: &object)
        return .object(object.members)
    }

    /// A reference to this type's shared schema.
    public static var ref: Schema { .ref(name) }
}

/// The object a ``ResultType`` writes itself into: only declared members go in.
public struct ResultObject: Sendable {
    public private(set) var members = JSONObject()
    #if DEBUG
        private let declared: Set<String>
        private let typeName: String
    #endif

    init<T: ResultType>(declaring type: T.Type) {
        #if DEBUG
            declared = Set(T.members.map(\.name))
            typeName = T.name
        #endif
    }

    /// Sets a member; `nil` leaves it out.
    public subscript(name: String) -> JSONValue? {
        get { members[name] }
        set {
            #if DEBUG
                assert(declared.contains(name), "\(typeName) writes `\(name)`, which it does not declare")
            #endif
            members[name] = newValue
        }
    }

    /// Sets a member to a nested result's value; `nil` leaves it out.
    public mutating func set<T: ResultType>(_ name: String, _ value: T?) {
        self[name] = value?.json
    }

    /// Sets a member to an array of nested results.
    public mutating func set<T: ResultType>(_ name: String, _ values: [T]) {
        self[name] = .array(values.map(\.json))
    }
}

/// The result of a request answered with `null`.
public struct NullResult: ResultType, Equatable {
    public static let name = "Null"
    public static let summary = "Always `null`."
    public static let members: [Member] = []
    public static var schema: Schema { Schema(["type": "null"]) }
    public init() {}
    public func encode(to object: inout ResultObject) {}
    public var json: JSONValue { .null }
}
