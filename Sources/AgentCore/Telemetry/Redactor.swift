import Foundation

/// Keeps secrets out of span attributes, trace notifications and metric labels, and long texts short.
///
/// Removes `Authorization` header values, bearer tokens, `sk-…` style API keys, `api_key=…`-style
/// assignments and any literal secret it was given (for example a provider's configured key), then cuts
/// what is left to ``maxLength`` characters.
public struct Redactor: Sendable {
    /// Longest text kept in an attribute, in characters; longer ones are cut and marked.
    public var maxLength: Int
    /// Exact values that must never appear (API keys from the configuration, tokens from the environment).
    public var secrets: [String]

    public static let mask = "[REDACTED]"

    public init(maxLength: Int = 1024, secrets: [String] = []) {
        self.maxLength = max(16, maxLength)
        self.secrets = secrets.filter { $0.count >= 4 }
    }

    nonisolated(unsafe) private static let patterns: [(NSRegularExpression, String)] = [
        // An Authorization header (or JSON member): its scheme, if any, and credentials.
        (
            #"(?i)(\"?(?:proxy-)?authorization\"?\s*[:=]\s*\"?)(?:(?:bearer|basic|token|digest)\s+)?[^\s\",;]+"#,
            "$1" + mask
        ),
        (#"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"#, "$1" + mask),
        (
            #"(?i)(\"?(?:x-)?api[_-]?key\"?\s*[:=]\s*\"?|\"?(?:secret|password|access[_-]?token)\"?\s*[:=]\s*\"?)[^\s\"&,;]+"#,
            "$1" + mask
        ),
        (#"\bsk-[A-Za-z0-9_-]{8,}"#, mask),
    ].map { (try! NSRegularExpression(pattern: $0.0), $0.1) }

    /// Characters read past ``maxLength`` before masking, so a secret cut by the limit is still recognised.
    static let margin = 256

    /// `text` with secrets masked and cut to ``maxLength``. Only the part that is kept (and a margin) is
    /// searched, so a multi-megabyte output costs no more than a short one.
    public func clean(_ text: String) -> String {
        // A text has no more characters than bytes: one within a limit in bytes is within it in characters,
        // with no need to count them one grapheme at a time.
        let searched = maxLength + Self.margin
        let window = text.utf8.count <= searched ? text[...] : text.prefix(searched)
        let cut = window.endIndex < text.endIndex
        let masked = redact(String(window))
        guard cut || (masked.utf8.count > maxLength && masked.count > maxLength) else { return masked }
        return masked.prefix(maxLength) + "… [truncated; \(text.utf8.count) bytes in all]"
    }

    /// `text` with secrets masked, at full length (for metric labels, which are short).
    public func redact(_ text: String) -> String {
        var text = text
        for secret in secrets where Self.contains(text, secret) {
            text = text.replacingOccurrences(of: secret, with: Self.mask)
        }
        guard Self.mayHoldSecret(text) else { return text }
        for (pattern, template) in Self.patterns {
            let range = NSRange(text.startIndex..., in: text)
            text = pattern.stringByReplacingMatches(in: text, range: range, withTemplate: template)
        }
        return text
    }

    /// A cheap check that skips the patterns for ordinary text.
    private static func mayHoldSecret(_ text: String) -> Bool {
        let lower = text.lowercased()
        return ["authorization", "bearer", "key", "sk-", "secret", "password", "token"].contains {
            contains(lower, $0)
        }
    }

    /// Whether `text` holds `needle`, byte for byte (`memchr` and `memcmp`: no locale, no generic searcher).
    static func contains(_ text: String, _ needle: String) -> Bool {
        var text = text
        var needle = needle
        return text.withUTF8 { haystack in
            needle.withUTF8 { needle in
                guard let first = needle.first else { return true }
                guard let base = haystack.baseAddress, let key = needle.baseAddress, haystack.count >= needle.count
                else { return false }
                var start = 0
                let last = haystack.count - needle.count
                while start <= last {
                    guard let hit = memchr(base + start, Int32(first), last - start + 1) else { return false }
                    let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                    if memcmp(hit, key, needle.count) == 0 { return true }
                    start = at + 1
                }
                return false
            }
        }
    }
}
