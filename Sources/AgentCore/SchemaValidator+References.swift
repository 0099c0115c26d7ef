import Foundation
import JSONCore

extension SchemaValidator {
    /// A `$ref` resolved inside its schema document.
    struct ResolvedReference {
        var schema: JSONValue
        /// The target as a JSON pointer (`""` for the root, `/$defs/a~1b`), the same however the
        /// reference spelled it (percent-encoded or not).
        var pointer: String
        /// The target's place in the `$.properties.name` style of ``problems(inSchema:)``.
        var path: String
    }

    struct ReferenceProblem: Error {
        var message: String
    }

    /// Resolves a reference within `root`: `#` is the root, `#/a/b` a JSON pointer (RFC 6901) in URI
    /// fragment form, so percent-decoded first and then split at `/`, with `~1` for `/` and `~0` for `~`.
    static func resolve(_ reference: String, in root: JSONValue) -> Result<ResolvedReference, ReferenceProblem> {
        func problem(_ message: String) -> Result<ResolvedReference, ReferenceProblem> {
            .failure(ReferenceProblem(message: message))
        }
        guard reference.hasPrefix("#") else {
            return problem("only references within the schema are supported (such as \"#/$defs/name\")")
        }
        guard let fragment = String(reference.dropFirst()).removingPercentEncoding else {
            return problem("it is not validly percent-encoded")
        }
        guard fragment.isEmpty || fragment.hasPrefix("/") else {
            return problem("only JSON pointers (\"#/…\") are supported, not anchors")
        }
        var target = root
        var pointer = ""
        var path = "$"
        for escaped in fragment.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            guard let token = unescape(escaped) else {
                return problem("\"~\" must be followed by 0 or 1 in a JSON pointer")
            }
            switch target {
            case .object(let object):
                guard let member = object.member(exactly: token) else {
                    return problem("\(path) has no member \(JSONValue.string(token).jsonString)")
                }
                target = member
                path = memberPath(path, token)
            case .array(let elements):
                guard let index = arrayIndex(token), index < elements.count else {
                    return problem("\(path) has no element \(JSONValue.string(token).jsonString)")
                }
                target = elements[index]
                path += "[\(index)]"
            default:
                return problem("\(path) is \(target.typeName), with no member \(JSONValue.string(token).jsonString)")
            }
            pointer += "/" + pointerToken(token)
        }
        switch target {
        case .object, .bool: return .success(ResolvedReference(schema: target, pointer: pointer, path: path))
        default: return problem("\(path) is \(target.typeName), not a schema")
        }
    }

    /// `key` as a JSON pointer token: `~` written `~0` and `/` written `~1` (RFC 6901). Most keys have
    /// neither and are returned as they are, without a search through Foundation.
    static func pointerToken(_ key: String) -> String {
        guard key.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return key }
        var token = ""
        for character in key.unicodeScalars {
            switch character {
            case "~": token += "~0"
            case "/": token += "~1"
            default: token.unicodeScalars.append(character)
            }
        }
        return token
    }

    /// A JSON pointer token with `~1` and `~0` undone, or `nil` for another character after `~`.
    private static func unescape(_ token: Substring) -> String? {
        guard token.contains("~") else { return String(token) }
        var result = ""
        var scalars = token.unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            guard scalar == "~" else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalars.popFirst() {
            case "0": result += "~"
            case "1": result += "/"
            default: return nil
            }
        }
        return result
    }

    /// An array index as a JSON pointer spells it: decimal digits, no leading zero.
    private static func arrayIndex(_ token: String) -> Int? {
        guard !token.isEmpty, token.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            token == "0" || !token.hasPrefix("0")
        else { return nil }
        return Int(token)
    }

    // MARK: Patterns

    /// Compiles a `pattern` (an ECMA-262 regular expression) for `NSRegularExpression`, or `nil` when it
    /// does not compile.
    static func compilePattern(_ pattern: String) -> NSRegularExpression? {
        try? NSRegularExpression(pattern: icuPattern(pattern))
    }

    /// Whether `regex` matches anywhere in `text` (patterns are not anchored).
    static func search(_ regex: NSRegularExpression, in text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(location: 0, length: text.utf16.count)) != nil
    }

    /// An ECMA-262 pattern rewritten where ICU, which `NSRegularExpression` runs, reads it differently:
    /// `$` ends the input only (ICU's `$` also matches before a final newline), `\d` and `\w` are ASCII
    /// only (ICU's match any script's digits and letters), `[` inside a class is a plain character (ICU
    /// nests sets), `\u{…}` is ICU's `\x{…}`, `[]` matches nothing and `[^]` anything.
    static func icuPattern(_ pattern: String) -> String {
        var result = ""
        var inClass = false
        var scalars = pattern.unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            switch scalar {
            case "\\":
                guard let next = scalars.popFirst() else {
                    result += "\\"
                    continue
                }
                switch (next, inClass) {
                case ("d", false): result += "[0-9]"
                case ("d", true): result += "0-9"
                case ("D", false): result += "[^0-9]"
                case ("w", false): result += "[A-Za-z0-9_]"
                case ("w", true): result += "A-Za-z0-9_"
                case ("W", false): result += "[^A-Za-z0-9_]"
                case ("u", _) where scalars.first == "{": result += "\\x"
                default:
                    result += "\\"
                    result.unicodeScalars.append(next)
                }
            case "[" where inClass: result += "\\["
            case "[":
                if scalars.starts(with: "]".unicodeScalars) {
                    scalars.removeFirst()
                    result += "(?!)"
                } else if scalars.starts(with: "^]".unicodeScalars) {
                    scalars.removeFirst(2)
                    result += "[\\s\\S]"
                } else {
                    inClass = true
                    result += "["
                    if scalars.first == "^" {
                        scalars.removeFirst()
                        result += "^"
                    }
                }
            case "]" where inClass:
                inClass = false
                result += "]"
            case "$" where !inClass: result += "\\z"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
