import AgentCore
import AgentObservability
import Testing
import Tracing

// The Prometheus backend and the `/metrics` HTTP listener, over a real loopback socket.

@Suite struct MetricsListenerTests {
    @Test func listenAddressesDefaultToLoopback() {
        #expect(ListenAddress("9464") == ListenAddress(host: "127.0.0.1", port: 9464))
        #expect(ListenAddress("0.0.0.0:9464") == ListenAddress(host: "0.0.0.0", port: 9464))
        #expect(ListenAddress(":9464") == ListenAddress(host: "127.0.0.1", port: 9464))
        #expect(ListenAddress("[::1]:9464") == ListenAddress(host: "::1", port: 9464))
        #expect(ListenAddress("localhost:http") == nil)
        #expect(ListenAddress("70000") == nil)
        #expect(ListenAddress("::1:9464") == nil)
    }

    @Test func prometheusTextHasTheSeedServicesNamesWithHelp() async throws {
        let prometheus = PrometheusMetrics()
        let runtime = AgentRuntime(
            config: .builtIn,
            telemetry: Telemetry(metrics: prometheus.factory, tracer: NoOpTracer())
        )
        _ = try await runtime.run(agent: "echo", input: "one two three", runId: "run_a", observer: SpanCollector())
        let text = prometheus.render()
        #expect(text.contains(#"stream_sessions_total{agent="echo",status="completed"} 1"#), "\(text)")
        #expect(text.contains(#"stream_chunks_sent_total{agent="echo"} 3"#))
        #expect(text.contains(#"llm_tokens_used_total{model="echo",agent="echo",type="output"} 3"#))
        #expect(text.contains(#"llm_calls_total{model="echo",agent="echo",status="completed"} 1"#))
        #expect(text.contains(#"stream_sessions_active{agent="echo"} 0"#))
        #expect(text.contains("# TYPE stream_session_duration_seconds histogram"))
        #expect(text.contains("# HELP stream_sessions_total "))
    }

    @Test func getMetricsIsServedOverHTTP() async throws {
        let prometheus = PrometheusMetrics()
        let telemetry = Telemetry(metrics: prometheus.factory, tracer: NoOpTracer())
        telemetry.addSampler { telemetry.metrics.outboundQueueBytes.record(4096) }
        telemetry.metrics.requestAnswered(method: "ping", failed: false, nanoseconds: 1_000_000)
        let listener = try await MetricsListener.start(
            at: ListenAddress("0")!,
            contentType: prometheus.contentType
        ) {
            telemetry.sample()
            return prometheus.render()
        }
        #expect(listener.address.host == "127.0.0.1")
        #expect(listener.address.port > 0)

        let port = listener.address.port
        let response = try await LoopbackHTTP.request(port: port, path: "/metrics")
        #expect(response.status == 200)
        #expect(response.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(response.body.contains(#"agentwire_requests_total{method="ping",status="ok"} 1"#), "\(response.body)")
        #expect(response.body.contains("agentwire_outbound_queue_bytes 4096"))
        #expect(try await LoopbackHTTP.request(port: port, path: "/other").status == 404)
        #expect(try await LoopbackHTTP.request("POST", port: port, path: "/metrics").status == 405)
        await listener.stop()
    }
}

/// Streams one word and reports 1000 input and 2 output tokens of model `small`.
private struct PricedCall: Provider {
    func stream(_ request: ProviderRequest, context: StepContext) async throws {
        context.emitTokens(["priced ", "reply"])
        context.reportUsage(Usage(inputTokens: 1000, outputTokens: 2, reported: true, model: "small"))
    }
}

@Suite struct CostMetricTests {
    @Test func pricedCallsAddTheirCostToACounterInDollars() async throws {
        let prometheus = PrometheusMetrics()
        var settings = OpenAISettings(baseURL: "http://127.0.0.1:9/v1", model: "small")
        settings.retries = 0
        let config = AgentConfig(
            agents: [AgentDefinition(name: "paid", description: "", provider: .openai(settings))],
            pricing: Pricing([
                "small": ModelPrice(inputPerMillion: USD(decimal: "2.5")!, outputPerMillion: USD(decimal: "10")!)
            ])
        )
        let runtime = AgentRuntime(
            config: config,
            providers: { _ in PricedCall() },
            telemetry: Telemetry(metrics: prometheus.factory, tracer: NoOpTracer())
        )
        for runId in ["run_p1", "run_p2"] {
            _ = try await runtime.run(agent: "paid", input: "hi", runId: runId, observer: SpanCollector())
        }
        let text = prometheus.render()
        // Twice 1000 × $2.50 + 2 × $10, per million.
        #expect(text.contains("# TYPE llm_cost_dollars_total counter"), "\(text)")
        #expect(text.contains(#"llm_cost_dollars_total{model="small",agent="paid"} 0.00504"#), "\(text)")
        #expect(text.contains(#"llm_tokens_used_total{model="small",agent="paid",type="input"} 2000"#), "\(text)")
    }
}
