import Foundation
import JSONCore

/// The agents a service offers: the built-in ones, plus or overridden by those in a config file.
public struct AgentConfig: Sendable, Equatable {
    public var agents: [AgentDefinition]

    public init(agents: [AgentDefinition]) {
        self.agents = agents
    }

    /// Works with no file at all: `echo` streams its input back, `echo-slow` does so at a readable pace.
    public static let builtIn = AgentConfig(agents: [
        AgentDefinition(
            name: "echo", description: "Streams its input back one word at a time (built in, offline).",
            provider: .echo(delayMs: 0)),
        AgentDefinition(
            name: "echo-slow", description: "Like echo, with 50 ms before each word: for demos and cancellation.",
            provider: .echo(delayMs: 50)),
    ])

    /// Reads a config file and merges its agents over the built-in ones (same name replaces).
    public static func load(path: String) throws(ConfigError) -> AgentConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, path: "$", message: "cannot read the file (does it exist?)")
        }
        let root: JSONValue
        do {
            root = try JSONValue.parse(Array(data))
        } catch {
            throw ConfigError(
                file: path, path: "$", message: "not valid JSON at line \(error.line), column \(error.column): \(error.message)")
        }
        return try parse(root, file: path)
    }

    /// Validates a parsed config document.
    public static func parse(_ root: JSONValue, file: String) throws(ConfigError) -> AgentConfig {
        let fail = ConfigProblems(file: file)
        guard case .object(let top) = root else { throw fail("$", "an object", got: root) }
        var config = AgentConfig.builtIn
        for (key, value) in top.members {
            switch key {
            case "$schema":
                guard value.stringValue != nil else { throw fail("$.$schema", "a string", got: value) }
            case "agents":
                guard case .object(let agents) = value else { throw fail("$.agents", "an object of agents by name", got: value) }
                for (name, agentValue) in agents.members {
                    let agent = try parseAgent(name: name, agentValue, path: "$.agents.\(name)", fail: fail)
                    if let index = config.agents.firstIndex(where: { $0.name == name }) {
                        config.agents[index] = agent
                    } else {
                        config.agents.append(agent)
                    }
                }
            default:
                throw fail.unknown("$.\(key)", allowed: ["agents"])
            }
        }
        return config
    }

    private static func parseAgent(
        name: String, _ value: JSONValue, path: String, fail: ConfigProblems
    ) throws(ConfigError) -> AgentDefinition {
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || "0123456789_.-".unicodeScalars.contains($0)) }) else {
            throw fail(path, "an agent name of letters, digits, '_', '.' or '-'", .string(name))
        }
        guard case .object(let object) = value else { throw fail(path, "an object", value) }
        var description = ""
        var provider: ProviderSpec? = nil
        for (key, member) in object.members {
            switch key {
            case "description":
                guard let text = member.stringValue else { throw fail("\(path).description", "a string", member) }
                description = text
            case "provider":
                provider = try parseProvider(member, path: "\(path).provider", fail: fail)
            default:
                throw fail.unknown("\(path).\(key)", allowed: ["description", "provider"])
            }
        }
        guard let provider else { throw fail("\(path).provider", "a provider object such as {\"type\": \"echo\"}", nil) }
        return AgentDefinition(name: name, description: description, provider: provider)
    }

    private static func parseProvider(
        _ value: JSONValue, path: String, fail: ConfigProblems
    ) throws(ConfigError) -> ProviderSpec {
        guard case .object(let object) = value else { throw fail(path, "an object", value) }
        guard let type = object["type"] else { throw fail("\(path).type", "a provider type (\"echo\")", nil) }
        guard type == "echo" else { throw fail("\(path).type", "one of: \"echo\"", type) }
        var delayMs = 0
        for (key, member) in object.members where key != "type" {
            switch key {
            case "delayMs":
                guard let ms = member.integerValue, ms >= 0, ms <= 3_600_000 else {
                    throw fail("\(path).delayMs", "a whole number of milliseconds from 0 to 3600000", member)
                }
                delayMs = Int(ms)
            default:
                throw fail.unknown("\(path).\(key)", allowed: ["type", "delayMs"])
            }
        }
        return .echo(delayMs: delayMs)
    }
}

/// Builds the errors of one config file.
struct ConfigProblems {
    let file: String

    func callAsFunction(_ path: String, _ expected: String, got value: JSONValue?) -> ConfigError {
        ConfigError(file: file, path: path, message: "expected \(expected), got \(value?.typeName ?? "nothing")")
    }

    func callAsFunction(_ path: String, _ expected: String, _ value: JSONValue?) -> ConfigError {
        self(path, expected, got: value)
    }

    func unknown(_ path: String, allowed: [String]) -> ConfigError {
        ConfigError(file: file, path: path, message: "unknown setting (expected one of: \(allowed.joined(separator: ", ")))")
    }
}

/// A config file that cannot be used: which file, where in it (a JSON path), and what was expected.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var path: String
    public var message: String

    public init(file: String, path: String, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    public var description: String { "\(file): \(path): \(message)" }
}
