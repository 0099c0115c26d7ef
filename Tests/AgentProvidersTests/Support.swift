import AgentCore
import AgentProviders
import FakeModelServer
import Foundation
import JSONCore
import Synchronization

/// Records a step's events and answers permission questions as told.
final class Recorder: RunObserver {
    private let recorded = Mutex<[RunEvent]>([])
    private let asked = Mutex<[PermissionRequest]>([])
    let answer: @Sendable (PermissionRequest) async -> PermissionDecision

    init(answer: @escaping @Sendable (PermissionRequest) async -> PermissionDecision = { _ in .reject }) {
        self.answer = answer
    }

    func runEvent(runId: String, seq: UInt64, event: RunEvent) {
        recorded.withLock { $0.append(event) }
    }

    func requestPermission(_ request: PermissionRequest) async -> PermissionDecision {
        asked.withLock { $0.append(request) }
        return await answer(request)
    }

    var events: [RunEvent] { recorded.withLock { $0 } }
    var questions: [PermissionRequest] { asked.withLock { $0 } }

    var tokens: [String] {
        events.compactMap { if case .token(_, _, let text) = $0 { text } else { nil } }
    }

    var thinking: [String] {
        events.compactMap { if case .thinking(_, _, let text) = $0 { text } else { nil } }
    }

    var tools: [ToolEvent] {
        events.compactMap { if case .tool(let tool) = $0 { tool } else { nil } }
    }
}

/// A step to stream into, with its recorder.
func makeStep(
    answer: @escaping @Sendable (PermissionRequest) async -> PermissionDecision = { _ in .reject }
)
    -> (StepContext, Recorder)
{
    let recorder = Recorder(answer: answer)
    let run = RunContext(runId: "run_test", observer: recorder)
    return (StepContext(run: run, stepId: "s1", agent: "model"), recorder)
}

/// Streams one request through an `openai` provider aimed at `server`.
func streamOpenAI(
    _ server: FakeModelServer,
    settings: (inout OpenAISettings) -> Void = { _ in },
    input: String = "Hi",
    answer: @escaping @Sendable (PermissionRequest) async -> PermissionDecision = { _ in .reject }
) async -> (StepContext, Recorder, ProviderError?) {
    var configured = OpenAISettings(baseURL: server.baseURL, model: "test-model", timeoutSeconds: 5, retries: 0)
    settings(&configured)
    let (step, recorder) = makeStep(answer: answer)
    do {
        try await OpenAIProvider(settings: configured).stream(ProviderRequest(input: input), context: step)
        return (step, recorder, nil)
    } catch let error as ProviderError {
        return (step, recorder, error)
    } catch {
        return (step, recorder, ProviderError("unexpected: \(error)"))
    }
}

/// Splits `text`'s bytes into `.send` actions at the given offsets.
func chunked(_ text: String, at cuts: [Int]) -> [FakeModelServer.Action] {
    let bytes = Array(text.utf8)
    var actions: [FakeModelServer.Action] = []
    var start = 0
    for cut in cuts.sorted() where cut > start && cut < bytes.count {
        actions.append(.send(Array(bytes[start..<cut])))
        actions.append(.pause(milliseconds: 2))
        start = cut
    }
    actions.append(.send(Array(bytes[start...])))
    return actions
}

extension FakeModelServer.Action {
    static func text(_ text: String) -> Self { .send(Array(text.utf8)) }
}
