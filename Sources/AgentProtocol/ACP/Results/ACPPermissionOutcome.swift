import JSONCore
import JSONRPC

/// The user's decision on a permission request (ACP `RequestPermissionOutcome`): an option selected, or
/// the request cancelled.
public struct ACPPermissionOutcome: ResultType, Equatable {
    /// Whether an option was selected.
    public enum Outcome: String, Sendable, CaseIterable {
        case selected
        case cancelled
    }

    public static let name = "ACPPermissionOutcome"
    public static let summary = #"`selected` with the option chosen, or `cancelled`."#
    public static let members: [Member] = [
        Member(
            "outcome",
            required: true,
            schema: Schema(["enum": .array(Outcome.allCases.map { .string($0.rawValue) })]),
            description: #"`selected`, or `cancelled` when the prompt was cancelled."#
        ),
        Member(
            "optionId",
            required: false,
            schema: .string,
            description: #"The option selected (`allow-once`, `allow-always` or `reject`); required with `selected`."#
        ),
    ]
    public static let extraKeywords: JSONObject = [
        "if": ["properties": ["outcome": ["const": "selected"]]],
        "then": ["required": ["optionId"]],
    ]

    public let outcome: Outcome
    /// The option selected; `nil` when cancelled.
    public let optionId: String?

    /// An option selected.
    public static func selected(_ optionId: String) -> ACPPermissionOutcome {
        ACPPermissionOutcome(outcome: .selected, optionId: optionId)
    }

    /// The request cancelled.
    public static let cancelled = ACPPermissionOutcome(outcome: .cancelled, optionId: nil)

    private init(outcome: Outcome, optionId: String?) {
        self.outcome = outcome
        self.optionId = optionId
    }

    /// Reads the outcome as the client sent it: members not declared are ignored, `optionId` is required
    /// with `selected` and ignored with `cancelled`.
    /// - Parameter path: the JSON path errors name (`result.outcome`).
    public init(decoding value: JSONValue?, path: String) throws(ResponseError) {
        let reader = try ParamsReader(value, members: Self.members, unknown: .ignore, path: path)
        let name = try reader.string("outcome")
        guard let outcome = Outcome(rawValue: name) else {
            throw .invalidParams(field: reader.field("outcome"), "expected selected or cancelled, got '\(name)'")
        }
        self.outcome = outcome
        if outcome == .selected {
            optionId = try reader.string("optionId")
        } else {
            optionId = nil
        }
    }

    public func encode(to object: inout ResultObject) {
        object["outcome"] = .string(outcome.rawValue)
        object["optionId"] = optionId.map { .string($0) }
    }
}
