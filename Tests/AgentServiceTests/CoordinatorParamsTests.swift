import AgentCore
import AgentService
import Foundation
import JSONCore
import JSONRPC
import Testing

// Coordinator requests refused before any run starts: unknown agents and workflows, and invalid params that
// name the field.

@Suite struct CoordinatorParamsTests {
    // MARK: Request errors

    @Test(arguments: [
        ("coordinator/sequential", #"{"input": "x", "steps": [{"agent": "echo"}, {"agent": "ghost"}]}"#),
        ("coordinator/parallel", #"{"input": "x", "tasks": [{"agent": "ghost"}]}"#),
        ("coordinator/parallel", #"{"input": "x", "tasks": [{"agent": "echo"}], "aggregate": {"agent": "ghost"}}"#),
        (
            "coordinator/hierarchical",
            #"{"input": "x", "master": {"agent": "ghost"}, "subAgents": [{"agent": "echo"}]}"#
        ),
        (
            "coordinator/hierarchical",
            #"{"input": "x", "master": {"agent": "echo"}, "subAgents": [{"agent": "ghost"}]}"#
        ),
        (
            "coordinator/hierarchical",
            #"{"input": "x", "master": {"agent": "echo"}, "subAgents": [{"agent": "echo"}], "aggregator": {"agent": "ghost"}}"#
        ),
    ])
    func unknownAgentIsNotFoundAndNamed(method: String, params: String) async throws {
        let client = TestClient()
        let reply = try await client.request(method, try JSONValue.parse(params))
        let error = try #require(reply["error"], "\(reply.jsonString)")
        #expect(error["code"] == -32001)
        #expect(error["data", "agent"] == "ghost")
        #expect(error["data", "available"]?.arrayValue?.contains("echo") == true)
        #expect(error["data", "retryable"] == false)
        #expect(error["data"]?.objectValue?.keys == ["retryable", "suggestions", "agent", "available"])
        #expect(error["message"]?.stringValue?.contains("ghost") == true)
        // No run was started.
        #expect(client.notifications("run/started").isEmpty)
    }

    @Test(arguments: [
        ("coordinator/sequential", #"{"steps": [{"agent": "echo"}]}"#, "params.input"),
        ("coordinator/sequential", #"{"input": 3, "steps": [{"agent": "echo"}]}"#, "params.input"),
        ("coordinator/sequential", #"{"input": "x"}"#, "params.steps"),
        ("coordinator/sequential", #"{"input": "x", "steps": []}"#, "params.steps"),
        ("coordinator/sequential", #"{"input": "x", "steps": {"agent": "echo"}}"#, "params.steps"),
        ("coordinator/sequential", #"{"input": "x", "steps": [{}]}"#, "params.steps[0].agent"),
        (
            "coordinator/sequential", #"{"input": "x", "steps": [{"agent": "echo"}, {"agent": 7}]}"#,
            "params.steps[1].agent"
        ),
        ("coordinator/sequential", #"{"input": "x", "steps": ["echo"]}"#, "params.steps[0]"),
        (
            "coordinator/sequential", #"{"input": "x", "steps": [{"agent": "echo", "model": "big"}]}"#,
            "params.steps[0].model"
        ),
        (
            "coordinator/sequential",
            #"{"input": "x", "steps": [{"agent": "echo"}, {"agent": "echo", "transform": "{{nope}}"}]}"#,
            "params.steps[1].transform"
        ),
        (
            "coordinator/sequential", #"{"input": "x", "steps": [{"agent": "echo", "transform": "{{input"}]}"#,
            "params.steps[0].transform"
        ),
        ("coordinator/sequential", #"{"input": "x", "steps": [{"agent": "echo"}], "bogus": true}"#, "params.bogus"),
        ("coordinator/sequential", #"{"input": "x", "steps": [{"agent": "echo"}], "tasks": []}"#, "params.tasks"),
        (
            "coordinator/sequential", #"{"input": "x", "steps": [{"agent": "echo"}], "onError": "ignore"}"#,
            "params.onError"
        ),
        (
            "coordinator/sequential", #"{"input": "x", "steps": [{"agent": "echo"}], "stepTimeoutMs": 0}"#,
            "params.stepTimeoutMs"
        ),
        (
            "coordinator/sequential", #"{"input": "x", "steps": [{"agent": "echo"}], "timeoutMs": -5}"#,
            "params.timeoutMs"
        ),
        (
            "coordinator/sequential", #"{"input": "x", "steps": [{"agent": "echo"}], "stream": {"token": false}}"#,
            "params.stream.token"
        ),
        ("coordinator/parallel", #"{"input": "x", "tasks": [{"input": "y"}]}"#, "params.tasks[0].agent"),
        (
            "coordinator/parallel",
            #"{"input": "x", "tasks": [{"agent": "echo"}, {"agent": "echo", "input": "{{prev}}"}]}"#,
            "params.tasks[1].input"
        ),
        (
            "coordinator/parallel", #"{"input": "x", "tasks": [{"agent": "echo"}], "aggregate": "sum"}"#,
            "params.aggregate"
        ),
        (
            "coordinator/parallel", #"{"input": "x", "tasks": [{"agent": "echo"}], "aggregate": {"name": "echo"}}"#,
            "params.aggregate.agent"
        ),
        (
            "coordinator/parallel", #"{"input": "x", "tasks": [{"agent": "echo"}], "aggregator": "list"}"#,
            "params.aggregator"
        ),
        ("coordinator/hierarchical", #"{"input": "x", "subAgents": [{"agent": "echo"}]}"#, "params.master"),
        (
            "coordinator/hierarchical", #"{"input": "x", "master": "echo", "subAgents": [{"agent": "echo"}]}"#,
            "params.master"
        ),
        ("coordinator/hierarchical", #"{"input": "x", "master": {"agent": "echo"}}"#, "params.subAgents"),
        (
            "coordinator/hierarchical", #"{"input": "x", "master": {"agent": "echo"}, "subAgents": ["echo"]}"#,
            "params.subAgents[0]"
        ),
        (
            "coordinator/hierarchical",
            #"{"input": "x", "master": {"agent": "echo"}, "subAgents": [{"agent": "echo"}, {}]}"#,
            "params.subAgents[1].agent"
        ),
        (
            "coordinator/hierarchical",
            #"{"input": "x", "master": {"agent": "echo"}, "subAgents": [{"agent": "echo"}], "aggregator": 5}"#,
            "params.aggregator"
        ),
        (
            "coordinator/hierarchical",
            #"{"input": "x", "master": {"agent": "echo"}, "subAgents": [{"agent": "echo"}], "aggregate": "list"}"#,
            "params.aggregate"
        ),
        ("workflow/run", #"{"input": "x"}"#, "params.workflow"),
        ("workflow/run", #"{"workflow": "pipeline"}"#, "params.input"),
        ("workflow/run", #"{"workflow": "pipeline", "input": "x", "timeoutMs": 0}"#, "params.timeoutMs"),
    ])
    func invalidParamsNameTheField(method: String, params: String, field: String) async throws {
        let client = TestClient()
        let reply = try await client.request(method, try JSONValue.parse(params))
        let error = try #require(reply["error"], "\(reply.jsonString)")
        #expect(error["code"] == -32602)
        #expect(error["data", "field"] == .string(field))
        #expect(error["data", "detail"]?.stringValue?.isEmpty == false)
        #expect(client.notifications("run/started").isEmpty)
    }

    @Test func unknownWorkflowIsNotFoundWithTheAvailableOnes() async throws {
        let client = TestClient()
        let reply = try await client.request("workflow/run", ["workflow": "nope", "input": "x"])
        let error = try #require(reply["error"], "\(reply.jsonString)")
        #expect(error["code"] == -32001)
        #expect(error["data", "workflow"] == "nope")
        #expect(error["data", "available"] == ["pipeline", "fanout", "delegate"])
        #expect(error["data"]?.objectValue?.keys == ["retryable", "suggestions", "available", "workflow"])
        #expect(error["data", "retryable"] == false)
        #expect(error["data", "suggestions"]?.arrayValue?.isEmpty == false)
        #expect(error["message"]?.stringValue?.contains("nope") == true)
    }
}
