import JSONCore

/// The answer `{}`: to `authenticate`, `session/set_mode`, `session/close` and `session/delete`.
public struct ACPEmptyResult: ResultType, Equatable {
    public static let name = "ACPEmptyResult"
    public static let summary = #"Always `{}`."#
    public static let members: [Member] = []

    public init() {}

    public func encode(to object: inout ResultObject) {}
}
