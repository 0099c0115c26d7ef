import AgentCore
import Foundation
import JSONCore
import Testing

/// ``SchemaValidator`` as used for a model's structured output: every error with its path, schema
/// problems found before anything runs, and loops and deep values that must end in an error.
@Suite struct SchemaValidatorOutputTests {
    static let ticketSchema = JSONValue(
        json: #"""
            {
              "type": "object",
              "properties": {
                "id": {"type": "string", "pattern": "^[A-Z]{2,5}-\\d+$"},
                "title": {"type": "string", "minLength": 1, "maxLength": 80},
                "status": {"enum": ["open", "closed"]},
                "tasks": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/task"}}
              },
              "required": ["id", "title", "status", "tasks"],
              "additionalProperties": false,
              "$defs": {
                "task": {
                  "type": "object",
                  "properties": {
                    "name": {"type": "string"},
                    "hours": {"type": "number", "exclusiveMinimum": 0, "multipleOf": 0.5}
                  },
                  "required": ["name", "hours"]
                }
              }
            }
            """#
    )

    @Test func aFittingOutputHasNoErrors() {
        let output = JSONValue(
            json: #"{"id":"OPS-12","title":"Rotate keys","status":"open","tasks":[{"name":"plan","hours":1.5}]}"#
        )
        #expect(SchemaValidator.problems(inSchema: Self.ticketSchema) == [])
        #expect(SchemaValidator.errors(output, schema: Self.ticketSchema) == [])
    }

    @Test func everyErrorIsReportedWithItsPath() {
        let output = JSONValue(
            json: #"""
                {"id": "ops-12", "title": "", "status": "pending", "priority": 1,
                 "tasks": [{"name": "plan", "hours": 0}, {"hours": 2}, {"name": 3, "hours": 1.2}]}
                """#
        )
        #expect(
            SchemaValidator.errors(output, schema: Self.ticketSchema).map(\.description) == [
                #"$.id: expected a string matching "^[A-Z]{2,5}-\\d+$", got "ops-12""#,
                "$.title: expected at least 1 characters",
                #"$.status: expected one of ["open","closed"], got "pending""#,
                "$.priority: not allowed (expected one of: id, title, status, tasks)",
                "$.tasks[0].hours: expected more than 0, got 0",
                "$.tasks[1].name: required",
                "$.tasks[2].name: expected string, got an integer",
                "$.tasks[2].hours: expected a multiple of 0.5, got 1.2",
            ]
        )
        #expect(
            SchemaValidator.errors(JSONValue(json: "{}"), schema: Self.ticketSchema).map(\.path) == [
                "$.id", "$.title", "$.status", "$.tasks",
            ]
        )
        #expect(
            SchemaValidator.firstError(output, schema: Self.ticketSchema)
                == SchemaValidator.errors(output, schema: Self.ticketSchema).first?.description
        )
    }

    @Test func anyOfAndOneOfReportOneErrorWithTheClosestAlternative() {
        let schema = JSONValue(
            json: #"""
                {"anyOf": [
                  {"type": "string"},
                  {"type": "object", "properties": {"kind": {"const": "point"}, "x": {"type": "number"}},
                   "required": ["kind", "x"]}
                ]}
                """#
        )
        #expect(
            SchemaValidator.errors(JSONValue(json: #"{"kind":"point","x":"1"}"#), schema: schema) == [
                SchemaError(
                    path: "$",
                    message: #"expected a value matching one of the 2 anyOf alternatives; closest is anyOf[1]: "#
                        + #"$.x: expected number, got a string"#
                )
            ]
        )
        let oneOf = JSONValue(json: #"{"oneOf": [{"type": "integer"}, {"minimum": 2}]}"#)
        #expect(
            SchemaValidator.errors(3, schema: oneOf) == [
                SchemaError(
                    path: "$",
                    message:
                        "expected a value matching exactly one oneOf alternative, but it matches oneOf[0] and oneOf[1]"
                )
            ]
        )
        #expect(SchemaValidator.errors(1.5, schema: oneOf).count == 1)
    }

    @Test func lengthsCountCodePoints() {
        let schema: JSONValue = ["maxLength": 1]
        #expect(SchemaValidator.errors("é", schema: schema) == [])
        // "e" and a combining accent: one character on screen, two code points.
        #expect(SchemaValidator.errors("e\u{301}", schema: schema).map(\.message) == ["expected at most 1 characters"])
        #expect(SchemaValidator.errors("🇳🇴", schema: schema).count == 1)
    }

    @Test func numbersCompareByValue() {
        #expect(SchemaValidator.errors(1.0, schema: ["enum": [1, 2]]) == [])
        #expect(SchemaValidator.errors(["a": 1.0], schema: ["const": ["a": 1]]) == [])
        #expect(
            SchemaValidator.errors([1, 1.0], schema: ["uniqueItems": true]).map(\.message) == [
                "expected unique items, but items 0 and 1 are equal"
            ]
        )
    }

    // MARK: Schema problems

    @Test func problemsInASchemaAreFoundWithTheirPaths() {
        let schema = JSONValue(
            json: #"""
                {
                  "type": "object",
                  "properties": {
                    "age": {"type": "int"},
                    "code": {"type": "string", "pattern": "([A-Z]+"},
                    "owner": {"$ref": "#/$defs/person"},
                    "parent": {"$ref": "https://example.com/schemas/ticket.json"},
                    "tags": {"type": "array", "items": [{"type": "string"}], "minItems": -1}
                  },
                  "required": ["age", 7],
                  "anyOf": [],
                  "patternProperties": {"(": {}}
                }
                """#
        )
        #expect(
            SchemaValidator.problems(inSchema: schema).map(\.description) == [
                #"$.properties.age.type: unknown type "int" (did you mean "integer"? types: array, boolean, integer, null, number, object, string)"#,
                "$.properties.code.pattern: not a valid regular expression",
                ##"$.properties.owner.$ref: "#/$defs/person" cannot be resolved: $ has no member "$defs""##,
                #"$.properties.parent.$ref: "https://example.com/schemas/ticket.json" cannot be resolved: "#
                    + ##"only references within the schema are supported (such as "#/$defs/name")"##,
                "$.properties.tags.items: expected a schema, got an array (schemas for the first items go in prefixItems)",
                "$.properties.tags.minItems: expected a non-negative integer, got -1",
                "$.required[1]: expected a property name (a string), got an integer",
                "$.anyOf: expected a non-empty array of schemas, got an empty array",
                #"$.patternProperties["("]: not a valid regular expression"#,
            ]
        )
    }

    @Test func aSchemaMustBeAnObjectOrABoolean() {
        #expect(SchemaValidator.problems(inSchema: true) == [])
        #expect(
            SchemaValidator.problems(inSchema: "string").map(\.description) == [
                "$: expected a schema (an object, true or false), got a string"
            ]
        )
        #expect(
            SchemaValidator.problems(inSchema: ["properties": ["a": 1]]).map(\.description) == [
                "$.properties.a: expected a schema (an object, true or false), got an integer"
            ]
        )
    }

    @Test func patternsAreSearchedNotAnchoredAndNameTheAllowedMembers() {
        let schema = JSONValue(
            json: #"""
                {"properties": {"name": {"type": "string", "pattern": "\\d"}},
                 "patternProperties": {"^x-": {"type": "string"}},
                 "additionalProperties": false}
                """#
        )
        #expect(SchemaValidator.problems(inSchema: schema) == [])
        #expect(SchemaValidator.errors(["name": "route 66", "x-trace": "abc"], schema: schema) == [])
        #expect(
            SchemaValidator.errors(["name": "route", "x-trace": 1, "odd key": true], schema: schema).map(\.description)
                == [
                    #"$.name: expected a string matching "\\d", got "route""#,
                    "$.x-trace: expected string, got an integer",
                    #"$["odd key"]: not allowed (expected one of: name, or a name matching ^x-)"#,
                ]
        )
        // ECMA-262 semantics where ICU differs: `$` ends the input, `\d` is ASCII only.
        #expect(SchemaValidator.errors("abc\n", schema: ["pattern": "^abc$"]).count == 1)
        #expect(SchemaValidator.errors("\u{0663}", schema: ["pattern": "\\d"]).count == 1)
    }

    @Test func referencesUsePointersWithEscapes() {
        let schema = JSONValue(
            json: #"""
                {"$defs": {"a/b": {"type": "integer"}, "c~d": {"$ref": "#/$defs/a~1b"}, "e f": {"$ref": "#/$defs/c~0d"}},
                 "items": {"$ref": "#/$defs/e%20f"}, "prefixItems": [{"$ref": "#/items"}]}
                """#
        )
        #expect(SchemaValidator.problems(inSchema: schema) == [])
        #expect(SchemaValidator.errors([1, 2], schema: schema) == [])
        #expect(
            SchemaValidator.errors([1, "x"], schema: schema).map(\.description) == [
                "$[1]: expected integer, got a string"
            ]
        )
    }

    // MARK: Loops and depth

    @Test(.timeLimit(.minutes(1))) func aReferenceLoopAtTheRootIsAnErrorNotAHang() {
        let schema: JSONValue = ["$ref": "#"]
        #expect(
            SchemaValidator.errors(1, schema: schema).map(\.description) == [
                "$: $ref loop # → # never moves into the value, so it would never end"
            ]
        )
        #expect(
            SchemaValidator.problems(inSchema: schema).map(\.description) == [
                "$.$ref: $ref loop # → # never moves into the value, so validating against it would never end"
            ]
        )
    }

    @Test(.timeLimit(.minutes(1))) func aLoopThroughDefinitionsAndCombinatorsIsAnError() {
        let schema = JSONValue(
            json: #"""
                {"$defs": {"a": {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/b"}]}, "b": {"not": {"$ref": "#/$defs/a"}}},
                 "properties": {"x": {"$ref": "#/$defs/a"}}}
                """#
        )
        #expect(SchemaValidator.errors(["x": "fine"], schema: schema) == [])
        let errors = SchemaValidator.errors(["x": 1], schema: schema)
        #expect(errors.count == 1)
        #expect(errors.first?.path == "$.x")
        #expect(errors.first?.message.contains("$ref loop") == true)
        #expect(SchemaValidator.problems(inSchema: schema).count == 1)
        // A reference back to the root through a property moves into the value: no loop.
        let tree = JSONValue(json: ##"{"type": "object", "properties": {"child": {"$ref": "#"}}}"##)
        #expect(SchemaValidator.problems(inSchema: tree) == [])
        #expect(
            SchemaValidator.errors(["child": ["child": ["child": 1]]], schema: tree).map(\.path) == [
                "$.child.child.child"
            ]
        )
    }

    @Test func aDeeplyNestedValueEndsInAnErrorNotACrash() async {
        let results = await onLargeStack {
            var value: JSONValue = 1
            for _ in 0..<10_000 { value = [value] }
            let recursive: JSONValue = ["type": "array", "items": ["anyOf": [["type": "integer"], ["$ref": "#"]]]]
            return [
                SchemaValidator.errors(value, schema: recursive),
                SchemaValidator.errors(value, schema: ["type": "array", "maxItems": 1]),
                SchemaValidator.errors([value, value], schema: ["uniqueItems": true]),
                SchemaValidator.errors(value, schema: ["enum": [[1]]]),
            ]
        }
        #expect(results[0].count == 1)
        #expect(results[0].first?.message.hasPrefix("nested more than 512 schemas deep") == true)
        #expect(results[1] == [])
        #expect(results[2].map(\.message) == ["expected unique items, but items 0 and 1 are equal"])
        #expect(results[3].map(\.message) == ["expected one of [[1]], got an array (nested too deeply to show)"])
    }

    @Test func aDeeplyNestedSchemaIsAProblem() async {
        let problems = await onLargeStack {
            var schema: JSONValue = ["type": "integer"]
            for _ in 0..<10_000 { schema = ["items": schema] }
            return SchemaValidator.problems(inSchema: schema)
        }
        #expect(problems.count == 1)
        #expect(problems.first?.message == "nested more than 512 schemas deep")
    }

    /// Runs `body` on a thread with an 8 MiB stack, what a Linux thread gets by default. Not for the
    /// validator, which stops at 512 levels (about 0.3 MiB of stack in a release build, 1.4 MiB in a
    /// debug one), but for `JSONValue` itself: releasing a value nested 10,000 deep recurses through
    /// every level, more than the 512 KiB of a macOS secondary thread holds.
    private func onLargeStack<Result: Sendable>(_ body: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
