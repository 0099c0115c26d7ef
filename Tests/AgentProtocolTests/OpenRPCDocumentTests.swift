import AgentProtocol
import Foundation
import JSONCore
import JSONRPC
import Testing

/// schemas/openrpc.json is `agentwire schema openrpc`: the contract is generated from the message types.
@Suite struct OpenRPCDocumentTests {
    static let committedURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("schemas/openrpc.json")

    static var committed: String {
        (try? String(contentsOf: committedURL, encoding: .utf8)) ?? ""
    }

    @Test func committedDocumentIsTheGeneratedOne() {
        let generated = NativeProtocol.document.text
        // On a mismatch, say where the two first differ rather than dumping 6,000 lines.
        let lhs = generated.split(separator: "\n", omittingEmptySubsequences: false)
        let rhs = Self.committed.split(separator: "\n", omittingEmptySubsequences: false)
        let firstDifference = zip(lhs, rhs).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(
            generated == Self.committed,
            """
            schemas/openrpc.json is not what `agentwire schema openrpc` prints; regenerate it \
            (first difference at line \(firstDifference.map { "\($0.offset + 1): \($0.element.1) → \($0.element.0)" } ?? "end"))
            """
        )
    }

    @Test func methodNamesAreUniqueAndEachHasOneDirection() {
        let names = NativeProtocol.messages.map { $0.method }
        #expect(Set(names).count == names.count)
        #expect(NativeProtocol.requests.allSatisfy { $0.direction == .clientRequest })
        #expect(NativeProtocol.notifications.allSatisfy { $0.direction == .clientNotification })
        #expect(NativeProtocol.serverNotifications.allSatisfy { $0.direction == .serverNotification })
        #expect(NativeProtocol.serverRequests.allSatisfy { $0.direction == .serverRequest })
    }

    /// Every `$ref` in the document points at a schema or an error the document defines.
    @Test func everyReferenceResolves() {
        let document = NativeProtocol.document.json
        let schemas = Set(document["components"]?["schemas"]?.objectValue?.keys ?? [])
        let errors = Set(document["components"]?["errors"]?.objectValue?.keys ?? [])
        var dangling: [String] = []
        func walk(_ value: JSONValue) {
            switch value {
            case .object(let object):
                if let ref = object["$ref"]?.stringValue {
                    let name = String(ref.split(separator: "/").last ?? "")
                    let known = ref.hasPrefix("#/components/errors/") ? errors.contains(name) : schemas.contains(name)
                    if !known { dangling.append(ref) }
                }
                object.members.forEach { walk($0.value) }
            case .array(let items): items.forEach(walk)
            default: break
            }
        }
        walk(document)
        #expect(dangling.isEmpty, "dangling references: \(dangling)")
    }

    @Test func everyErrorCodeIsDeclaredOnce() {
        let codes = ErrorSpec.native.map(\.code.rawValue)
        #expect(Set(codes).count == codes.count)
        for error in ErrorSpec.native {
            #expect(error.example["code"]?.integerValue == Int64(error.code.rawValue), "\(error.name)")
        }
    }
}
