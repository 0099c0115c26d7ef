import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Random ids as lowercase hex (run ids, session ids, trace and span ids), drawn from a process-wide pool
/// of system randomness that is refilled 512 bytes at a time: one `getrandom` call serves dozens of ids
/// instead of one call per id or per eight bytes.
///
/// The bytes are the system generator's, used once each, so ids are as unpredictable as before; only the
/// number of system calls changes.
public enum RandomHex {
    private static let pool = Mutex(Pool())

    private struct Pool: ~Copyable {
        var bytes = [UInt8](repeating: 0, count: 512)
        var next = 512

        mutating func take(_ count: Int, into text: inout [UInt8]) -> Bool {
            var nonZero = false
            for _ in 0..<count {
                if next == bytes.count { refill() }
                let byte = bytes[next]
                next += 1
                if byte != 0 { nonZero = true }
                text.append(digits[Int(byte >> 4)])
                text.append(digits[Int(byte & 0x0F)])
            }
            return nonZero
        }

        /// One `getrandom` call (glibc's `arc4random_buf` reads the kernel's generator directly).
        mutating func refill() {
            bytes.withUnsafeMutableBytes { arc4random_buf($0.baseAddress!, $0.count) }
            next = 0
        }
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `bytes` random bytes as `2 × bytes` lowercase hex digits, never all zero (W3C trace ids and span
    /// ids must not be).
    public static func make(bytes: Int) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes * 2)
        while true {
            text.removeAll(keepingCapacity: true)
            if pool.withLock({ $0.take(bytes, into: &text) }) { return String(decoding: text, as: UTF8.self) }
        }
    }
}
