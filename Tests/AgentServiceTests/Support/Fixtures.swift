import AgentCore
import JSONCore

// Configurations and inputs shared by the service tests.

extension AgentConfig {
    /// The built-in agents plus `slow`, an echo agent waiting `delayMs` before each token.
    static func withSlowAgent(delayMs: Int = 20) -> AgentConfig {
        AgentConfig(
            agents: AgentConfig.builtIn.agents + [
                AgentDefinition(
                    name: "slow",
                    description: "echo, \(delayMs) ms per token",
                    provider: .echo(delayMs: delayMs)
                )
            ]
        )
    }

    /// The config a file with the JSON `text` gives: its agents, workflows and limits merged over the
    /// built-ins, as `agentwire --config` loads it. `file` names the source in config errors.
    static func mergedOverBuiltIns(_ text: String, file: String = "test-config.json") throws -> AgentConfig {
        try AgentConfig.parse(JSONValue.parse(text), file: file)
    }
}

extension String {
    /// `"w1 w2 … wN"`: N distinct words, so any prefix of the tokens is recognisable.
    static func numberedWords(_ count: Int, prefix: String = "w") -> String {
        count == 0 ? "" : (1...count).map { "\(prefix)\($0)" }.joined(separator: " ")
    }
}

/// Words as the echo provider counts them: maximal runs of non-whitespace Unicode scalars.
func echoWordCount(_ text: String) -> Int {
    var count = 0
    var inWord = false
    for scalar in text.unicodeScalars {
        if scalar.properties.isWhitespace {
            inWord = false
        } else if !inWord {
            inWord = true
            count += 1
        }
    }
    return count
}
