import JSONCore
import JSONRPC

/// The protocol a connection speaks. One binary answers all three; the client's first message chooses,
/// unless `--protocol` forces one.
public enum ProtocolFace: String, Sendable, CaseIterable {
    /// AgentWire's own protocol (schemas/openrpc.json).
    case native
    /// The Agent Client Protocol, agent side (editors: Zed, JetBrains, CodeCompanion, agent-shell).
    case acp
    /// The Model Context Protocol, server side (agents and workflows as tools).
    case mcp

    /// The face a first message asks for: `initialize` with an integer `protocolVersion` is ACP, with a
    /// date string (`2025-06-18`) or `server/discover` is MCP, and anything else is native.
    public static func detect(_ incoming: Incoming) -> ProtocolFace {
        guard case .single(.request(_, let method, let params)) = incoming else { return .native }
        switch method {
        case "server/discover":
            return .mcp
        case "initialize":
            switch params?.objectValue?["protocolVersion"] {
            case .integer?: return .acp
            case .string(let version)? where isDateVersion(version): return .mcp
            default: return .native
            }
        default:
            return .native
        }
    }

    /// `YYYY-MM-DD`, the shape of MCP revisions.
    static func isDateVersion(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        return bytes.enumerated().allSatisfy { index, byte in
            index == 4 || index == 7 || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
    }
}
