import JSONCore

/// Number formatting without Foundation.
enum Format {
    /// `x` with `digits` decimals, e.g. fixed(3.14159, 2) == "3.14".
    static func fixed(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return "n/a" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(x) * scale).rounded()
        let whole = Int(scaled / scale)
        var text = (x < 0 && scaled > 0 ? "-" : "") + String(whole)
        if digits > 0 {
            let fraction = String(Int(scaled - Double(whole) * scale))
            text += "." + String(repeating: "0", count: max(0, digits - fraction.count)) + fraction
        }
        return text
    }

    /// `x` rounded to an integer with thousands separators, e.g. 1234567 -> "1,234,567".
    static func grouped(_ x: Double) -> String {
        guard x.isFinite else { return "n/a" }
        return grouped(Int(x.rounded()))
    }

    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// A few significant figures for a duration in ms: 0.42, 3.21, 14.2, 153.
    static func ms(_ x: Double) -> String {
        x < 10 ? fixed(x, 2) : x < 100 ? fixed(x, 1) : fixed(x, 0)
    }
}

/// A JSON document for `--json`, with keys in a fixed order and reals printed to a chosen precision.
indirect enum JSONOut {
    case integer(Int)
    case real(Double, digits: Int)
    case string(String)
    case bool(Bool)
    case array([JSONOut])
    case object([(String, JSONOut)])
    case null

    var text: String {
        switch self {
        case .integer(let n): return String(n)
        case .real(let x, let digits): return x.isFinite ? Format.fixed(x, digits) : "null"
        case .string(let s): return JSONValue.string(s).jsonString
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.map { JSONValue.string($0.0).jsonString + ":" + $0.1.text }.joined(separator: ",")
                + "}"
        }
    }
}
