import Foundation
import JSONCore

/// A tool a model may call: a program run with its arguments filled in from the call (no shell).
public struct ToolDefinition: Sendable, Equatable {
    /// Whether a call runs at once, needs the client's consent, or is refused.
    public enum Permission: String, Sendable {
        case allow, ask, deny
    }

    public var name: String
    public var description: String
    /// The program and its arguments; `{{param}}` in any element is replaced by that argument's text. The
    /// program is looked up on `PATH` unless it holds a `/`; a relative path is taken relative to
    /// ``workingDirectory``.
    public var command: [String]
    /// The program's working directory (absolute): from a config file, the tool's `cwd` or else the file's
    /// own directory. `nil` keeps this process's working directory.
    public var workingDirectory: String?
    /// JSON Schema of the arguments (an object schema), offered to the model and checked before running.
    public var parameters: JSONValue
    public var permission: Permission
    /// Limit for one run of the program.
    public var timeoutMs: Int
    /// Output beyond this many bytes is cut (and marked as cut).
    public var maxOutputBytes: Int
    /// How long to wait for the client's answer to a permission request before rejecting the call.
    public var askTimeoutMs: Int

    public init(
        name: String,
        description: String = "",
        command: [String],
        parameters: JSONValue = ["type": "object", "properties": [:]],
        permission: Permission = .ask,
        timeoutMs: Int = 10_000,
        maxOutputBytes: Int = 16_384,
        askTimeoutMs: Int = 60_000,
        workingDirectory: String? = nil
    ) {
        self.name = name
        self.description = description
        self.command = command
        self.parameters = parameters
        self.permission = permission
        self.timeoutMs = timeoutMs
        self.maxOutputBytes = maxOutputBytes
        self.askTimeoutMs = askTimeoutMs
        self.workingDirectory = workingDirectory
    }

    /// The argv for one call: each `{{name}}` replaced by the argument's text (strings as they are,
    /// other values as compact JSON; a missing argument becomes empty).
    public func argv(for arguments: JSONObject) -> [String] {
        command.map { element in
            var result = ""
            var rest = Substring(element)
            while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
                result += rest[..<open.lowerBound]
                let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
                switch arguments[name] {
                case .string(let text)?: result += text
                case nil, .null?: break
                case let value?: result += value.jsonString
                }
                rest = rest[close.upperBound...]
            }
            return result + rest
        }
    }

    /// Names used as `{{placeholders}}` in the command.
    public var placeholders: [String] {
        command.flatMap { element -> [String] in
            var names: [String] = []
            var rest = Substring(element)
            while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
                names.append(rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces))
                rest = rest[close.upperBound...]
            }
            return names
        }
    }
}
