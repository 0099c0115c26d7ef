import Foundation
import JSONRPCTransport
import Testing

/// Frames queued without waking the writer (a pass of paced streams) go out once the writer is woken,
/// in order, and only the first frame into an empty queue asks for that wake-up.
@Suite struct DeferredWakeTests {
    @Test func framesQueuedWithoutAWakeUpAreWrittenOnWakeWriterInOrder() throws {
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let queue = OutboundQueue(fd: fds[1])
        // A frame written the usual way first, so the writer has started and gone back to waiting (a
        // writer that is already awake takes whatever is queued, woken or not).
        queue.enqueue { $0 += Array("{}".utf8) }
        #expect(Self.readable(fds[0], withinMs: 5_000))
        var warmUp = [UInt8](repeating: 0, count: 3)
        #expect(read(fds[0], &warmUp, 3) == 3)
        usleep(50_000)

        let first = queue.enqueue(count: 2, wakingWriter: false) { index, buffer in
            buffer.append(contentsOf: Array(#"{"n":\#(index)}"#.utf8))
        }
        let second = queue.enqueue(count: 1, wakingWriter: false) { _, buffer in
            buffer.append(contentsOf: Array(#"{"n":2}"#.utf8))
        }
        #expect(first)
        #expect(!second)
        #expect(Self.readable(fds[0], withinMs: 100) == false, "written before the writer was woken")

        queue.wakeWriter()
        var received: [UInt8] = []
        let expected = Array("{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n".utf8)
        while received.count < expected.count, Self.readable(fds[0], withinMs: 5_000) {
            var chunk = [UInt8](repeating: 0, count: 256)
            let n = read(fds[0], &chunk, chunk.count)
            guard n > 0 else { break }
            received += chunk[..<n]
        }
        #expect(received == expected)

        // Once written, the queue is empty again: the next deferred frame asks for a wake-up.
        #expect(queue.enqueue(count: 1, wakingWriter: false) { _, buffer in buffer += Array("{}".utf8) })
        queue.flushAndClose()
        close(fds[1])
    }

    private static func readable(_ fd: Int32, withinMs timeout: Int32) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, timeout) == 1
    }
}
