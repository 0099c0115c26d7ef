/// "Did you mean …?" for a name that names nothing: the closest known name by edit distance.
public enum NameSuggestion {
    /// The candidate closest to `name` (ignoring case), if it is close enough to be what was meant: at
    /// most one edit for names up to four characters, two up to eight, three beyond (counting Unicode
    /// scalars); or a name that starts with what was typed (`fan` for `fanout`).
    public static func closest(to name: String, in candidates: [String]) -> String? {
        let typed = Array(name.lowercased().unicodeScalars)
        guard !typed.isEmpty else { return nil }
        let limit = typed.count <= 4 ? 1 : typed.count <= 8 ? 2 : 3
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != name {
            let lowered = Array(candidate.lowercased().unicodeScalars)
            let distance: Int
            if lowered.starts(with: typed) {
                distance = 0
            } else if abs(lowered.count - typed.count) > limit {
                continue  // its length alone puts it further away than the limit
            } else {
                distance = editDistance(typed, lowered)
            }
            if distance <= limit, distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        return best?.name
    }

    /// Levenshtein distance, with a transposition of two neighbours counting as one edit (`ecoh`, `echo`).
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
