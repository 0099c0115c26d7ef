import JSONCore
import JSONRPC

extension NativeProtocol {
    /// The document's `info.description`: how the protocol is framed, how runs and errors work.
    public static let overview = #"""
        AgentWire runs configured agents and multi-agent workflows behind a JSON-RPC 2.0 interface on the process's stdin (requests) and stdout (responses and notifications). Protocol version: `agentwire/1`.

        ## Framing
        The server detects the framing from the first byte it reads:
        - `{` or `[`: newline-delimited JSON, one JSON-RPC message (or batch) per line.
        - `C`: LSP-style headers, `Content-Length: <bytes>` followed by `\r\n\r\n` and the message body.

        Replies and server notifications are written in the same framing the client uses. `initialize` reports it as `capabilities.framing`.

        ## Messages
        - `"params": null` is treated exactly like absent params.
        - Params are documented by name. For convenience a few requests also take positional params (a JSON array), matched in this order: `agent/run` `[agent, input]`, `agent/start` `[agent, input]`, `workflow/run` `[workflow, input]`, `workflow/start` `[workflow, input]`, `run/cancel` `[runId]`, `run/status` `[runId]`, `run/get` `[runId]`, `run/events` `[runId, afterSeq]`, `run/delete` `[runId]`, `session/new` `[agent]`, `session/prompt` `[sessionId, input]`, `session/close` `[sessionId]`, `session/fork` `[sessionId, turn]`, `session/get` `[sessionId]`, `session/delete` `[sessionId]`, `stats/get` `[agent]`. Options such as `timeoutMs`, `stream`, `limit` and `follow` can only be given by name.
        - Batches (a JSON array of requests and notifications) are supported, with JSON-RPC 2.0 semantics: an empty array is an Invalid Request (-32600), and a batch made only of notifications gets no reply.
        - Unparseable input is answered with -32700 Parse error and `id: null`.
        - A message larger than the server's limit is skipped and answered with -32002 Message too large (`data: {limit, size}`, id null if the id could not be read). The server then reads the next message.
        - Request ids are echoed back exactly as sent. A run-starting request whose id is still in use by a run in flight is refused with -32600 (`agent/start` and `workflow/start` are answered at once, so their id is free again right away).
        - Error `message`s are sentences for people and may change; act on `code` and `data`.

        ## Lifecycle
        `initialize` / `initialized` are optional: a native client should send them, while a script may send `agent/run` straight away. `shutdown` (a request) stops new work: after it, every request except `shutdown` and `ping` is answered with -32003 Shutting down. `exit` (a notification) ends the process with status 0 if `shutdown` was received first and 1 otherwise, as in LSP. On end of input, runs in flight finish and are answered (runs started with `agent/start` or `workflow/start` finish and are recorded), then the process exits with status 0.

        ## Runs
        Nine requests start a run: `agent/run` (one agent), `coordinator/sequential`, `coordinator/parallel` and `coordinator/hierarchical` (a workflow given in the params), `workflow/run` (a workflow from the configuration, see `workflows/list`), `session/prompt` (one turn of a conversation), `agent/start` and `workflow/start`, and `run/resume` (a failed, cancelled or interrupted run done again as a new run, reusing the agent calls it completed). Each takes the optional `timeoutMs` and `stream` params. `agent/start` and `workflow/start` start the same runs as `agent/run` and `workflow/run` but are answered with `{runId}` at once (see Runs that outlive the process), as `run/resume` is with `detach: true`; the others are answered when their run ends. Until then the server sends the run's notifications, all carrying the run's `runId`; many runs may stream at once and their notifications interleave.
        - `run/started` comes first (`seq` 1): with `agent` for agent runs and session turns, with `workflow` and `strategy` for workflow runs.
        - `run/step` reports each step starting and ending (in a resumed run, an agent call reused from the original is reported once, as `reused`). Step ids nest: an agent run has the single step `1`; in a workflow run step `1` is the workflow itself and its agent calls are `1.1`, `1.2`, ... (`parentStepId: "1"`), numbered as each coordinator method describes.
        - `run/token` (output) and `run/thinking` (reasoning, not part of the output) name the `agent` and `stepId` they come from. Concatenating one step's token texts in `seq` order gives that step's output; for an agent run this is the run's `output`.
        - `run/progress` reports a workflow's overall progress as its agent calls finish; `run/heartbeat` is sent periodically while a run is active.

        `seq` is a per-run counter: it starts at 1 and strictly increases across all of a run's notifications. It has gaps when kinds of notification are switched off or tokens are merged (see Streaming options). Every notification of a run is written before the response to the request that runs it (`agent/start`, `workflow/start` and a detached `run/resume` answer before the run's first notification).

        The result has the `runId`, `agent` (or `workflow` and `strategy`), `output`, `stopReason`, `usage.outputTokens` (every token of every step) and `durationMs`; workflow results add `branches`, one per agent call that ended. Output is never thrown away: a cancelled run's result, and the `data` of an error that ends a run, carry the output produced so far.

        A run can be stopped four ways:
        | How | Params | Outcome for the run-starting request |
        |---|---|---|
        | `run/cancel` request | `{runId}` | normal result with `stopReason: "cancelled"` and the partial output |
        | `$/cancelRequest` notification (LSP) | `{id}` | error -32800 with `data: {runId, partialOutput}` |
        | `$/cancel_request` notification (ACP) | `{requestId}` | error -32800 with `data: {runId, partialOutput}` |
        | `notifications/cancelled` notification (MCP) | `{requestId, reason?}` | no reply at all |

        A run started with `agent/start` or `workflow/start` is stopped with `run/cancel` only: its request has been answered, so cancel notifications naming it do nothing. `run/cancel` also reaches runs of other processes that share the run store.

        ## Workflows
        A workflow combines agents with a strategy: `sequential` (A -> B -> C), `parallel` (A + B + C at once, results aggregated) or `hierarchical` (a master's output is split into sub-tasks for sub-agents, results aggregated); each `coordinator/*` method describes its strategy. `coordinator/*` requests take the same members as a workflow in the configuration file (schemas/config.schema.json); `workflow/run` runs one defined there. Templates (`transform` of a sequential step, `input` of a parallel task) are text with the placeholders `{{input}}` (the workflow input) and `{{previous}}` (the previous step's output); spaces inside the braces are ignored and any other placeholder is an error. `onError` decides what a failing agent call does: `fail` (the default) cancels the other calls and fails the run with that step's error (`data.stepId` names it); `continue` records the failure in `branches` and goes on with what succeeded. A failing hierarchical master, or a failing aggregator agent (parallel or hierarchical), always fails the run.

        ## Streaming options and heartbeats
        `initialize` may pass `stream` to choose what the connection receives, and every run-starting request may pass `stream` to override it for that run (members it leaves out keep the connection's setting):
        - `tokens`, `thinking`, `steps`, `progress`, `heartbeat`: booleans, all `true` by default, switching `run/token`, `run/thinking`, `run/step`, `run/progress` and `run/heartbeat` on or off. `run/started` and the response are always sent.
        - `traces`: boolean, `false` by default; `true` sends each finished span of the run as `run/trace` (all of them before the response).
        - `tokenCoalesceMs` (0 to 60000, default 0): above 0, consecutive tokens of one step are merged and sent at most this often as one `run/token` whose `seq` is that of the last token merged. Merged text is always flushed before the run's next notification and before its response.

        Unknown members and wrong types are refused with -32602 (`data.field` such as `params.stream.tokens`). `capabilities.stream` in the `initialize` result lists the members understood.

        While a run is active the server sends `run/heartbeat {runId, seq}` every `limits.heartbeatSeconds` (default 15 s), so a client can tell a quiet run from a dead one. Heartbeats do not count as activity: a run that emits nothing else for `limits.staleAfterSeconds` (default 300 s) is reaped (cancelled) and answered with -32005 Timeout, `data.reason: "stale"`, and its partial output.

        ## Runs that outlive the process
        Every run, whichever request started it (`session/prompt` turns included), is recorded in a run store with all its events, so it can be read, replayed and followed after its request was answered, from another connection, or after the process that ran it has ended. `agentwire serve --store PATH` names the SQLite file (default `$XDG_STATE_HOME/agentwire/agentwire.sqlite`, `~/.local/state/agentwire/agentwire.sqlite` when XDG_STATE_HOME is unset); `--store memory` keeps nothing on disk, so runs are forgotten when the process ends.
        - Starting: `agent/start` and `workflow/start` take the params of `agent/run` and `workflow/run` and answer `{runId}` at once; the run is in the store before that reply. The run goes on: its notifications still stream to the connection that started it, with the same `stream` options, and how it ends is kept in the store instead of being sent as a reply.
        - Statuses: `running`, then one of `completed` (it ended normally), `cancelled` (stopped by `run/cancel` or a cancel notification), `failed` (an error ended it, such as a timeout, a provider failure or reaping; `run/get` gives the error's `code` and `message`) and `interrupted` (the process running it ended first). The outcome is written to the store before any reply about the run: once a run's request, or a `run/events` follow of it, is answered, `run/status` gives the final status.
        - Reading: `run/status` (small, for polling), `run/get` (input, output, error and steps), `run/list` (newest first, filtered, paged) and `run/events` (the run's notifications after a given `seq`; with `follow: true` replayed as notifications, then followed live until the run ends). `run/delete` removes a finished run.
        - Events are kept as they were produced: every kind of notification whatever the `stream` options, one event per token (`tokenCoalesceMs` only merges what is sent live), so their `seq`s run 1, 2, 3, ... without gaps (unless the store failed). They are written to the store in batches at most every 50 ms; `run/events` merges the stored events with those still in memory, so within the process running the run there is no gap and no duplicate. Another process sharing the store sees events once their batch is written, up to about 50 ms later.
        - Crashes: a process that ends while runs are in flight (killed, crashed, or told to `exit` before its runs were recorded) leaves them `running` in the store. Each server marks, when it starts, the `running` runs whose process is gone as `interrupted`; `run/cancel` of such a run does the same at once. An interrupted run keeps the events written before the process ended: up to the last ~50 ms of its events may be missing. Its `output` is `null` (its `run/token` events hold what was produced).
        - Sharing: several processes may use one store (an editor runs one server per window). Each lists and reads the others' runs (`live: false` marks a run this process is not running); `run/events` with `follow` reads a run of another process from the store as it grows; `run/cancel` of a run owned by another live process is passed on through the store, and that process stops it within about a quarter second.
        - Retention: when a server starts it deletes the runs that ended more than `--retain-days` days ago (default 30; 0 keeps everything). Runs still `running` are never pruned; `run/delete` removes one run at once.
        - A failing store (disk full, read-only, locked by another process for too long) does not stop runs: they go on streaming and are answered, but what could not be written is not kept. Requests that read the store are then answered with -32603 (`data.detail`).
        ## Limits and errors
        - Admission: with `limits.maxConcurrentRuns` (default 64) runs in flight, another run-starting request is refused with -32007 Overloaded (a run started with `agent/start` or `workflow/start` counts until it ends). With `limits.requestsPerMinute` set, runs started in the last 60 seconds are counted and one more is refused with -32006 Rate limited, `data.retryAfterMs` saying when to retry. Refused requests start no run and are not counted.
        - Timeouts: `timeoutMs` (1 to 86400000) limits a whole run; for a workflow the smaller of it and the workflow's own `timeoutMs` applies. Each agent call is limited by the smaller of the workflow's `stepTimeoutMs` and the agent's `limits.timeoutMs`; a call past it fails its step (`error: "timed out after N ms"`), which `onError` then handles. A run that ends on a timeout is answered with -32005 Timeout.
        - Error data: the errors AgentWire raises about agents, workflows, sessions and runs (-32001, -32004, -32005, -32006, -32007, -32010) carry `data` with `retryable` (whether the same request may succeed later), `suggestions` (short sentences a UI can show), `runId` (when a run had started, or the unknown run a request named), `stepId` (when one step caused the error), `partialOutput` (when a run had started, possibly empty), and members of their kind: `agent` or `workflow` with `available` (the names that exist), `sessionId`, `retryAfterMs`, `limit`, `reason`. -32602 carries `{field, detail}`, -32601 `{method}`, -32700, -32600 and -32603 `{detail}` (-32603 also when the run store fails), -32800 `{runId, partialOutput}`, -32002 `{limit, size}`; -32003 has no data.

        ## Method tags
        Each method carries exactly one direction tag: `client-request` (the client sends it and gets a reply), `client-notification` (the client sends it, no reply), `server-notification` (the server sends it, the client must not reply) or `server-request` (the server sends it with an id of its own, the client replies).
        """#
}
