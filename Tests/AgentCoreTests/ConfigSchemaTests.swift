import AgentCore
import Foundation
import JSONCore
import Testing

/// schemas/config.schema.json is `agentwire schema config`, and the parser accepts exactly the members
/// it declares.
@Suite struct ConfigSchemaTests {
    static let committedURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("schemas/config.schema.json")

    @Test func committedSchemaIsTheGeneratedOne() throws {
        let committed = try String(contentsOf: Self.committedURL, encoding: .utf8)
        #expect(
            committed == ConfigSchema.text,
            "schemas/config.schema.json is stale: regenerate it with `agentwire schema config`"
        )
    }

    @Test func everyReferenceResolves() {
        let definitions = Set(ConfigSchema.document["$defs"]?.objectValue?.keys ?? [])
        var dangling: [String] = []
        func walk(_ value: JSONValue) {
            switch value {
            case .object(let object):
                if let ref = object["$ref"]?.stringValue, !definitions.contains(String(ref.dropFirst("#/$defs/".count)))
                {
                    dangling.append(ref)
                }
                object.members.forEach { walk($0.value) }
            case .array(let items): items.forEach(walk)
            default: break
            }
        }
        walk(ConfigSchema.document)
        #expect(dangling.isEmpty)
        #expect(definitions.count > 10)
    }

    /// The schema's own examples are configs the server starts with.
    @Test func theSchemasExamplesParse() throws {
        let examples = try #require(ConfigSchema.document["examples"]?.arrayValue)
        #expect(!examples.isEmpty)
        for example in examples {
            #expect(throws: Never.self) { try AgentConfig.parse(example, file: "example") }
        }
    }

    /// A member the schema does not declare is refused with its path, in every kind of object.
    @Test(arguments: [
        (#"{"agents": {"a": {"provider": {"type": "echo"}, "colour": 1}}}"#, "$.agents.a.colour"),
        (#"{"agents": {"a": {"provider": {"type": "echo", "speed": 1}}}}"#, "$.agents.a.provider.speed"),
        (#"{"agents": {"a": {"provider": {"type": "echo"}, "limits": {"tokens": 1}}}}"#, "$.agents.a.limits.tokens"),
        (#"{"limits": {"maxRuns": 1}}"#, "$.limits.maxRuns"),
        (
            #"{"workflows": {"w": {"strategy": "sequential", "steps": [{"agent": "echo"}], "tasks": []}}}"#,
            "$.workflows.w.tasks"
        ),
        (#"{"tool": {}}"#, "$.tool"),
    ])
    func undeclaredMembersAreRefused(json: String, path: String) throws {
        do {
            _ = try AgentConfig.parse(JSONValue(json: json), file: "test.json")
            Issue.record("\(json) was accepted")
        } catch {
            #expect("\(error)".contains(path), "\(error)")
        }
    }
}
