#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What Linux reports about a process in /proc: resident memory and CPU time so far.
enum ProcStats {
    /// `VmRSS` from /proc/PID/status, in bytes; nil when the process is gone or this is not Linux.
    static func residentBytes(_ pid: pid_t) -> Int? { statusField("VmRSS:", pid) }

    /// `RssAnon` from /proc/PID/status, in bytes: the part of VmRSS that is heap and stacks, not mapped files.
    static func anonymousBytes(_ pid: pid_t) -> Int? { statusField("RssAnon:", pid) }

    private static func statusField(_ name: String, _ pid: pid_t) -> Int? {
        guard let text = read("/proc/\(pid)/status") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let digits = line.dropFirst(name.count).filter { $0 >= "0" && $0 <= "9" }
            return Int(digits).map { $0 * 1024 }
        }
        return nil
    }

    /// User plus system CPU time (`utime` + `stime` of /proc/PID/stat), in seconds, all threads.
    static func cpuSeconds(_ pid: pid_t) -> Double? {
        guard let text = read("/proc/\(pid)/stat"), let paren = text.lastIndex(of: ")") else { return nil }
        // After the command name: state is field 3, utime field 14 and stime field 15.
        let fields = text[text.index(after: paren)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    private static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                bytes.append(contentsOf: chunk[0..<n])
            } else if n == 0 || errno != EINTR {
                break
            }
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }
}

extension Int {
    /// Bytes as megabytes (10^6) with one decimal, e.g. "12.3 MB".
    var megabytes: String { Format.fixed(Double(self) / 1e6, 1) + " MB" }
}
