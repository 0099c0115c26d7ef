import AgentCore
import InMemoryTracing
import Metrics
import Testing
import Tracing

// The spans the injected tracer itself records (swift-distributed-tracing's in-memory tracer): one per
// run, step and model call, parented as the step tree, with their attributes and statuses.

private struct Silent: RunObserver {
    func runEvent(runId: String, seq: UInt64, event: RunEvent) {}
}

@Suite struct TracerSpanTreeTests {
    @Test func aHierarchicalWorkflowsSpansNestAsItsSteps() async throws {
        let tracer = InMemoryTracer()
        let runtime = AgentRuntime(
            config: try coordinatorConfig(),
            telemetry: Telemetry(metrics: NOOPMetricsHandler.instance, tracer: tracer)
        )
        _ = try await runtime.run(
            workflow: WorkflowDefinition(
                name: "delegate",
                strategy: .hierarchical(master: "w1", subAgents: ["w1", "w2"], aggregate: .concat)
            ),
            input: "first task\nsecond task",
            runId: "run_tree",
            observer: Silent()
        )
        let spans = tracer.finishedSpans
        #expect(tracer.activeSpans.isEmpty)
        let run = try #require(spans.first { $0.operationName == "workflow.run" })
        #expect(run.parentSpanID == nil)
        #expect(run.attributes["agentwire.strategy"]?.toSpanAttribute() == .string("hierarchical"))
        #expect(spans.allSatisfy { $0.traceID == run.traceID })
        let steps = spans.filter { $0.operationName == "step" }
        let calls = spans.filter { $0.operationName == "llm.call" }
        // The workflow's own step, the master's, and one per sub-task; a model call in each agent step.
        #expect(steps.count == calls.count + 1)
        #expect(calls.count == 3)
        let root = try #require(steps.first { $0.attributes["agentwire.step_id"]?.toSpanAttribute() == .string("1") })
        #expect(root.parentSpanID == run.spanID)
        for step in steps where step.spanID != root.spanID {
            #expect(step.parentSpanID == root.spanID)
            let call = calls.filter { $0.parentSpanID == step.spanID }
            #expect(call.count == 1)
            #expect(call.first?.attributes["gen_ai.request.model"]?.toSpanAttribute() == .string("echo"))
            #expect(call.first?.status?.code == .ok)
        }
    }
}
