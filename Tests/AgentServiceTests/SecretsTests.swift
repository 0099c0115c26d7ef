import AgentCore
import FakeModelServer
import Foundation
import JSONCore
import JSONRPC
import Synchronization
import Testing

/// API keys and credential headers reach the model server and nothing else: not stdout (replies,
/// notifications, traces, errors, metrics), not the logs, not the run store.
@Suite struct SecretsTests {
    @Test func apiKeysAndCredentialHeadersAppearNowhereButOnTheWireToTheModel() async throws {
        let apiKey = "sk-test-\(UUID().uuidString.lowercased())"
        let headerSecret = "hdr-\(UUID().uuidString.lowercased())"
        let server = try await FakeModelServer.start { request in
            if request.bodyText.contains("please fail") {
                // A server that echoes the credentials it was sent in its error body.
                let body = #"{"error":{"message":"Incorrect API key provided: \#(apiKey) (\#(headerSecret))"}}"#
                return [.send(Array(StreamScript.response(status: 401, reason: "Unauthorized", body: body).utf8))]
            }
            return [.send(Array((StreamScript.eventStreamHead + StreamScript.reply(["all ", "fine"])).utf8))]
        }
        let directory = try StoreTestDirectory()
        let configPath = directory.path("config.json")
        try Data(
            """
            {"agents": {"model": {"provider": {"type": "openai", "baseURL": "\(server.baseURL)", "model": "m",
              "retries": 0, "apiKeyEnv": "AGENTWIRE_SECRETS_TEST_KEY", "headers": {"api-key": "\(headerSecret)"}}}}}
            """.utf8
        ).write(to: URL(fileURLWithPath: configPath))
        let store = directory.path("runs.sqlite")
        let logPath = directory.path("stderr.log")
        FileManager.default.createFile(atPath: logPath, contents: nil)

        var environment = TestClient.binaryEnvironment
        environment["AGENTWIRE_SECRETS_TEST_KEY"] = apiKey
        let requests = [
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"stream":{"traces":true}}}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"agent/run","params":{"agent":"model","input":"hello"}}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"agent/run","params":{"agent":"model","input":"please fail"}}"#,
            #"{"jsonrpc":"2.0","id":4,"method":"metrics/get"}"#,
            #"{"jsonrpc":"2.0","id":5,"method":"run/list"}"#,
        ]
        let run = try await BinaryRun.run(
            ["--config", configPath, "--store", store, "--log-level", "trace"],
            environment: environment,
            input: Array((requests.joined(separator: "\n") + "\n").utf8),
            stderr: .file(logPath)
        )
        await server.stop()
        #expect(run.status == 0)

        // The credentials did go to the model server (so the checks below are not vacuous).
        let sent = server.requests
        #expect(sent.count == 2)
        #expect(sent.allSatisfy { $0.header("authorization") == "Bearer \(apiKey)" })
        #expect(sent.allSatisfy { $0.header("api-key") == headerSecret })

        let frames = run.stdout
        let messages = frames.split(separator: 0x0A).compactMap { try? JSONValue.parse(Array($0)) }
        let reply = { (id: Int64) in messages.first { $0["id"] == .int(id) } }
        #expect(reply(2)?["result", "output"] == "all fine", "\(reply(2)?.jsonString ?? "no reply")")
        #expect(reply(3)?["error", "code"] == -32010, "\(reply(3)?.jsonString ?? "no reply")")
        #expect(reply(4)?["result", "text"]?.stringValue?.contains("# TYPE") == true)
        #expect(messages.contains { $0["method"] == "run/trace" })
        #expect(reply(5)?["result", "runs"]?.arrayValue?.count == 2)

        var places: [(String, [UInt8])] = [("stdout", frames)]
        places.append(("logs", [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: logPath))) ?? Data())))
        for file in (try? FileManager.default.contentsOfDirectory(atPath: directory.url.path)) ?? []
        where file.hasPrefix("runs.sqlite") {
            places.append(
                (file, [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: directory.path(file)))) ?? Data()))
            )
        }
        #expect(places.first { $0.0 == "logs" }?.1.isEmpty == false, "trace logging wrote something")
        for (place, bytes) in places {
            for secret in [apiKey, headerSecret] {
                #expect(bytes.firstRange(of: Array(secret.utf8)) == nil, "a secret appears in \(place)")
            }
        }
    }
}
