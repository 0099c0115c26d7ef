import AgentCore
import AgentProtocol
import ArgumentParser
import Foundation

/// `agentwire schema openrpc|config`: prints a contract generated from the code that implements it.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print a JSON document generated from the protocol's and the config's types.",
        discussion: """
            openrpc: the native protocol as an OpenRPC 1.3 document (schemas/openrpc.json is this output). \
            config: the JSON Schema of the config file (schemas/config.schema.json is this output).
            """
    )

    enum Document: String, ExpressibleByArgument, CaseIterable {
        case openrpc
        case config
    }

    @Argument(help: "Which document: openrpc or config.")
    var document: Document

    func run() throws {
        let text: String
        switch document {
        case .openrpc: text = NativeProtocol.document.text
        case .config: text = ConfigSchema.text
        }
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
