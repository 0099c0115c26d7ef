import JSONCore

/// The answer `{}` (`{"resultType": "complete"}` on a stateless request): to `ping` and `logging/setLevel`.
public struct MCPEmptyResult: MCPResult, Equatable {
    public static let name = "MCPEmptyResult"
    public static let summary = #"`{}`, with `resultType` on a request of the stateless revision."#
    public static let members: [Member] = [MCPProtocol.resultTypeMember]

    public var resultType: MCPResultKind?

    public init(resultType: MCPResultKind? = nil) {
        self.resultType = resultType
    }

    public func encode(to object: inout ResultObject) {
        object.setResultType(resultType)
    }
}
