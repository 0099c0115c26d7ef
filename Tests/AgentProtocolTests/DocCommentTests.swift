import AgentProtocol
import Foundation
import Testing

/// A message type's doc comment opens with the line the OpenRPC document lists it by: what a reader of the
/// source sees is what a reader of the contract sees.
@Suite struct DocCommentTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/AgentProtocol")

    /// Every Swift file under Sources/AgentProtocol, by name.
    static let files: [String: URL] = {
        var files: [String: URL] = [:]
        let walker = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let url = walker?.nextObject() as? URL {
            if url.pathExtension == "swift" { files[url.lastPathComponent] = url }
        }
        return files
    }()

    /// The first paragraph of the `///` comment right above `public enum NAME`, on one line.
    static func docSummary(of name: String) -> String? {
        guard let url = files["\(name).swift"], let text = try? String(contentsOf: url, encoding: .utf8) else {
            return nil
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let declaration = lines.firstIndex(where: { $0.hasPrefix("public enum \(name):") }) else { return nil }
        var comment: [String] = []
        var index = declaration - 1
        while index >= 0, lines[index].hasPrefix("///") {
            comment.insert(String(lines[index].dropFirst(3)).trimmingCharacters(in: .whitespaces), at: 0)
            index -= 1
        }
        let firstParagraph = comment.prefix { !$0.isEmpty }
        return firstParagraph.isEmpty ? nil : firstParagraph.joined(separator: " ")
    }

    static let messages: [any MessageType.Type] =
        NativeProtocol.messages + ACPProtocol.messages + MCPProtocol.messages

    @Test func everyMessageTypeIsDocumentedByItsSummary() {
        #expect(Self.messages.count > 40)
        for type in Self.messages {
            let name = String(describing: type)
            let summary = type.summary.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .joined(separator: " ")
            #expect(Self.docSummary(of: name) == summary, "\(name): its doc comment's first paragraph is not its summary")
        }
    }
}
