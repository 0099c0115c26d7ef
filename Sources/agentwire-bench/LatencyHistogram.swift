/// Latencies in µs in 10 µs bins from −20 ms to +280 ms (with an underflow and an overflow bin), so a
/// phase of millions of tokens keeps its distribution in fixed memory.
struct LatencyHistogram: Sendable {
    static let lowUs = -20_000.0
    static let binUs = 10.0
    static let bins = 30_000

    private var counts = [Int](repeating: 0, count: bins + 2)
    private(set) var count = 0
    private(set) var maxUs = -Double.infinity

    mutating func add(_ us: Double) {
        let bin = ((us - Self.lowUs) / Self.binUs).rounded(.down)
        let index = bin < 0 ? 0 : bin >= Double(Self.bins) ? Self.bins + 1 : Int(bin) + 1
        counts[index] += 1
        count += 1
        if us > maxUs { maxUs = us }
    }

    mutating func merge(_ other: LatencyHistogram) {
        for i in counts.indices { counts[i] += other.counts[i] }
        count += other.count
        maxUs = Swift.max(maxUs, other.maxUs)
    }

    /// The nearest-rank percentile (`p` in 0...100) as the upper edge of its bin, in µs.
    func percentile(_ p: Double) -> Double {
        guard count > 0 else { return .nan }
        let rank = Swift.max(1, Int((p / 100 * Double(count)).rounded(.up)))
        var seen = 0
        for (index, n) in counts.enumerated() {
            seen += n
            guard seen >= rank else { continue }
            if index == 0 { return Self.lowUs }
            if index == Self.bins + 1 { return maxUs }
            return Swift.min(Self.lowUs + Double(index) * Self.binUs, maxUs)
        }
        return maxUs
    }
}
