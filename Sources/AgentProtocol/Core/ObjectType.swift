import JSONCore

/// A JSON object the protocol declares member by member: the params of a message, a result, or an object
/// inside one.
public protocol ObjectType: Sendable {
    /// The members in wire order.
    static var members: [Member] { get }
}

extension ObjectType {
    /// The members as one object schema, for a shared component (`RunStepParams`, `RunCancelResult`): the
    /// members become its properties, with their descriptions, and the required ones its `required`, so the
    /// component and the type cannot disagree.
    /// - Parameter extra: further keywords (`allOf`, `oneOf`) that tie members to each other.
    public static func objectSchema(title: String, description: String, extra: JSONObject = [:]) -> Schema {
        var properties = JSONObject()
        for member in members {
            var property = member.schema.json.objectValue ?? [:]
            if let text = member.description { property["description"] = .string(text) }
            properties[member.name] = .object(property)
        }
        var object: JSONObject = [
            "title": .string(title),
            "description": .string(description),
            "type": "object",
            "required": .array(members.filter(\.required).map { .string($0.name) }),
            "properties": .object(properties),
        ]
        for (key, value) in extra.members { object[key] = value }
        return Schema(.object(object))
    }
}
