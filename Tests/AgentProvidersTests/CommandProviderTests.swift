import AgentCore
import AgentProviders
import Foundation
import Testing

@Suite struct CommandProviderTests {
    func stream(_ argv: [String], input: String = "") async -> (StepContext, Recorder, (any Error)?) {
        let (step, recorder) = makeStep()
        do {
            try await CommandProvider(settings: CommandSettings(argv: argv)).stream(
                ProviderRequest(input: input),
                context: step
            )
            return (step, recorder, nil)
        } catch {
            return (step, recorder, error)
        }
    }

    @Test func theInputGoesToStdinAndStdoutComesBackAsTokens() async {
        let (step, _, error) = await stream(["cat"], input: "héllo wörld\nline two")
        #expect(error == nil)
        #expect(step.text == "héllo wörld\nline two")
    }

    @Test func outputStreamsAsItArrives() async {
        let (_, recorder, error) = await stream(["/bin/sh", "-c", "printf first; sleep 0.3; printf second"])
        #expect(error == nil)
        #expect(recorder.tokens == ["first", "second"])
    }

    @Test func aNonZeroExitIsAFailureWithTheStderrTail() async throws {
        let (step, _, error) = await stream(["/bin/sh", "-c", "printf partial; echo 'model not loaded' >&2; exit 3"])
        let failure = try #require(error as? ProviderError)
        #expect(failure.message.contains("exited with status 3: model not loaded"), "\(failure)")
        #expect(failure.details["exitStatus"] == .int(3))
        #expect(failure.details["stderr"] == .string("model not loaded\n"))
        #expect(step.text == "partial")
    }

    @Test func aMissingProgramIsAClearFailure() async throws {
        let (_, _, error) = await stream(["no-such-program-here"])
        let failure = try #require(error as? ProviderError)
        #expect(failure.message.contains("Cannot find the program 'no-such-program-here'"))
    }

    @Test func cancellingKillsTheProgram() async throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("agentwire-cmd-\(UUID()).pid").path
        let (step, recorder) = makeStep()
        let provider = CommandProvider(
            settings: CommandSettings(argv: ["/bin/sh", "-c", "echo $$ > \(marker); printf go; exec sleep 30"])
        )
        let task = Task { try await provider.stream(ProviderRequest(input: ""), context: step) }
        while recorder.tokens.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        let pid = try #require(
            Int32(String(contentsOfFile: marker, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
        )
        // Once the call has returned, the program is gone (or a zombie being reaped).
        var gone = false
        for _ in 0..<200 where !gone {
            gone =
                kill(pid, 0) != 0
                || (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.contains(") Z ") == true
            if !gone { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(gone)
    }
}
