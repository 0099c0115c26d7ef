import Foundation
import JSONCore
import JSONRPC
import JSONRPCTransport
import Logging

/// A connection whose output goes into a pipe the test reads back, frame by frame, once it is closed.
final class WireCapture: Sendable {
    let connection: Connection
    private let readEnd: Int32

    init() {
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0)
        readEnd = fds[0]
        connection = Connection(
            inputFD: -1,
            outputFD: fds[1],
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        )
        self.writeEnd = fds[1]
    }

    private let writeEnd: Int32

    /// Closes the connection and returns every frame written, parsed.
    func frames() -> [JSONValue] {
        connection.close()
        close(writeEnd)
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress!, $0.count) }
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        close(readEnd)
        return bytes.split(separator: 0x0A).compactMap { try? JSONValue.parse(Array($0), allowScalars: true) }
    }
}
