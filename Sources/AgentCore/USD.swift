import Foundation

/// An amount of US dollars, held exactly as a whole number of nano-dollars (10⁻⁹ USD).
///
/// Prices are read from their decimal text, never through binary floating point arithmetic, and every
/// sum is an integer sum. A model call's cost is rounded once, to the nearest nano-dollar (halves away
/// from zero, see ``ModelPrice/cost(of:)``); run and session totals are exact sums of those. JSON carries
/// amounts as numbers (``doubleValue``), which a reader gets back to the same nano-dollar.
public struct USD: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var nanos: Int64

    public init(nanos: Int64) {
        self.nanos = nanos
    }

    public static let zero = USD(nanos: 0)
    static let nanosPerDollar: Int64 = 1_000_000_000

    /// Reads a decimal amount such as `2.5`, `0.15` or `1e-7`: at most nine decimal places (a
    /// nano-dollar), not negative, at most a billion dollars. `nil` otherwise.
    public init?(decimal text: String) {
        guard let decimal = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), !decimal.isNaN,
            decimal >= 0, decimal <= 1_000_000_000
        else { return nil }
        var scaled = decimal * Decimal(Self.nanosPerDollar)
        var whole = Decimal()
        NSDecimalRound(&whole, &scaled, 0, .plain)
        guard whole == scaled else { return nil }
        self.nanos = NSDecimalNumber(decimal: whole).int64Value
    }

    /// Reads a JSON number: its shortest decimal form, so `0.15` is fifteen cents exactly.
    public init?(_ number: Double) {
        guard number.isFinite else { return nil }
        self.init(decimal: "\(number)")
    }

    /// The amount as a JSON number: the double nearest to the exact decimal.
    public var doubleValue: Double { Double(text) ?? Double(nanos) / 1e9 }

    /// The exact decimal, without trailing zeros: `0.000123`, `2.5`, `3`.
    public var text: String {
        let sign = nanos < 0 ? "-" : ""
        let magnitude = nanos.magnitude
        let whole = magnitude / UInt64(Self.nanosPerDollar)
        var fraction = String(magnitude % UInt64(Self.nanosPerDollar))
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return sign + String(whole) + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// `$0.000123`; amounts of a cent or more with two decimals at least (`$1.50`).
    public var description: String {
        var text = self.text
        if nanos >= 10_000_000 {
            let decimals = text.split(separator: ".", omittingEmptySubsequences: false).dropFirst().first?.count ?? 0
            if decimals == 0 { text += ".00" } else if decimals == 1 { text += "0" }
        }
        return "$" + text
    }

    public static func + (lhs: USD, rhs: USD) -> USD {
        let (sum, overflow) = lhs.nanos.addingReportingOverflow(rhs.nanos)
        return USD(nanos: overflow ? .max : sum)
    }

    public static func += (lhs: inout USD, rhs: USD) { lhs = lhs + rhs }

    public static func < (lhs: USD, rhs: USD) -> Bool { lhs.nanos < rhs.nanos }
}
