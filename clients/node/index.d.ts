// The API of the `agentwire` package. The protocol's own types (params, results, errors) are generated
// from schemas/openrpc.json into types.d.ts and re-exported here.

import { EventEmitter } from 'node:events';
import type {
  AgentInfo,
  AgentRunResult,
  Budget,
  ClientInfo,
  ClientRequests,
  CoordinatorHierarchicalParams,
  CoordinatorParallelParams,
  CoordinatorSequentialParams,
  InitializeResult,
  PermissionOption,
  PermissionRequestParams,
  RequestMeta,
  RunCancelResult,
  RunEvent,
  RunStartResult,
  ServerCapabilities,
  ServerInfo,
  ServerNotification,
  SessionCloseResult,
  StreamOptions,
  WorkflowInfo,
  WorkflowRunResult,
} from './types.js';

export * from './types.js';

/** The release of agentwire this package goes with (`agentwire --version`). */
export declare const VERSION: string;

/** Where warnings go: a function, or an object with `warn` (console, pino, winston...). */
export type Logger = ((message: string) => void) | { warn(message: string): void };

/**
 * What `onPermission` may answer: an optionId (`'allow_once'`, `'allow_always'`, `'reject'`), one of
 * the offered options (or `{optionId}`), `true` (allow once); `false`, `undefined` or `null` reject.
 */
export type PermissionAnswer = string | PermissionOption | { optionId: string } | boolean | null | undefined;

export interface ConnectOptions {
  /** The agentwire executable. Default: `$AGENTWIRE_BIN`, else `agentwire` on PATH. */
  binary?: string;
  /** `--config FILE`. Default: none (agentwire looks for ./agentwire.json, then its user config). */
  config?: string;
  /** `--store`: `'memory'` (the default) or a SQLite file; `null` leaves it to agentwire's default file. */
  store?: string | null;
  /** `--log-level` of the process (its log is on stderr; see the `stderr` event and `stderrTail`). */
  logLevel?: 'trace' | 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'critical';
  /** More arguments after `serve` and the ones above. */
  args?: string[];
  /** Variables added to the process's environment (on top of this process's). */
  env?: Record<string, string | undefined>;
  /** The process's working directory. */
  cwd?: string;
  /** The connection's stream options (`initialize {stream}`); each run may override them. */
  stream?: StreamOptions;
  /** Sent as `initialize {clientInfo}`. Default: `{name: 'agentwire-node', version: VERSION}`. */
  clientInfo?: ClientInfo;
  /**
   * Answers the service's `permission/request` (a tool with `"permission": "ask"` is about to run).
   * Without it every such call is rejected, with a warning through `logger`.
   */
  onPermission?: (request: PermissionRequestParams) => PermissionAnswer | Promise<PermissionAnswer>;
  /** Where warnings go. Default: `process.emitWarning` (type `AgentWireWarning`); `false` for none. */
  logger?: Logger | false;
  /** Gets what the process writes on stderr from the start (the `stderr` event, attached before spawning). */
  onStderr?: (text: string) => void;
  /** Characters of stderr kept for errors (`ConnectionError.stderr`, `stderrTail`). Default 8192. */
  stderrTailBytes?: number;
  /**
   * Events queued in streams nobody is reading, past which reading from the process pauses (until
   * a stream or request waits for input again). Default 16384.
   */
  highWaterMark?: number;
}

/** Options of a request. */
export interface RequestOptions {
  /** Aborting sends `$/cancelRequest` and rejects at once with RequestCancelledError. */
  signal?: AbortSignal;
}

/** Options of every run-starting call: `signal`, and the request's own options. */
export interface RunOptions {
  /**
   * Cancels the run: the stream ends (the call rejects) with RequestCancelledError once the server
   * has answered, so the run store then shows it `cancelled`.
   */
  signal?: AbortSignal;
  /** Limit for the whole run in milliseconds; past it the run fails with TimeoutError. */
  timeoutMs?: number;
  /** Which notifications this run sends (e.g. `{tokenCoalesceMs: 16}`). */
  stream?: StreamOptions;
  /** What the run may spend; past a limit it fails with BudgetExceededError. */
  budget?: Budget;
  /** A JSON Schema the output must match: the result then has `structuredOutput` (else OutputMismatchError). */
  outputSchema?: object | boolean;
  /** The model of the run's `openai` calls instead of the agents' own. */
  model?: string;
  /** Request metadata (W3C trace context). */
  _meta?: RequestMeta;
  /**
   * Gets each notification of the run as it is read (synchronously, in order). A stream given it
   * yields only the result when iterated. A throw cancels the run and rejects with what was thrown.
   */
  onEvent?: (event: ServerNotification) => void;
}

/** Options of the calls that run to the end (run, workflow, prompt, runRequest). */
export type RunToEndOptions = RunOptions;

/** Options of resume(): the params of `run/resume` besides `runId`, and `signal` and `onEvent`. */
export interface ResumeOptions extends Pick<RunOptions, 'signal' | 'timeoutMs' | 'stream' | 'budget' | '_meta' | 'onEvent'> {
  /** Resume a named workflow whose configuration changed since the run, with its current definition. */
  force?: boolean;
  /**
   * Answer `{runId}` at once, as `agent/start` does: the new run goes on by itself and its outcome is
   * kept in the run store (`onEvent` is not called; its notifications reach the `notification` event).
   */
  detach?: boolean;
}

/** Options of streamRequest and runRequest (their params are given whole). */
export interface RunRequestOptions {
  signal?: AbortSignal;
  onEvent?: (event: ServerNotification) => void;
}

/**
 * One run: an async iterator of its notifications (the JSON-RPC messages as received), then
 * `{method: 'result', params: result}`. An error answer, a cancellation (RequestCancelledError) or
 * the process ending (ConnectionError) is thrown after the events that came before it. Leaving a
 * `for await` loop early cancels the run and waits for the server to confirm.
 */
export declare class RunStream<R = AgentRunResult | WorkflowRunResult> implements AsyncIterableIterator<RunEvent<R>> {
  private constructor();
  /** The method that started the run. */
  readonly method: string;
  /** The id of the request that started the run (null until it is sent). */
  readonly requestId: number | null;
  /** The run's id, once `run/started` has arrived. */
  readonly runId: string | null;
  /** The run's result; rejects as the iterator throws. */
  readonly result: Promise<R>;
  /** Cancels the run; resolves when the server has answered (never rejects). */
  cancel(reason?: unknown): Promise<void>;
  next(): Promise<IteratorResult<RunEvent<R>, undefined>>;
  return(): Promise<IteratorResult<RunEvent<R>, undefined>>;
  [Symbol.asyncIterator](): this;
}

/** A conversation with one agent: `session/new` on first use, `session/prompt` per turn. */
export declare class Session {
  private constructor();
  readonly agent: string;
  /** The session's id, once opened (or the one given to resume). */
  readonly sessionId: string | null;
  /** Creates the session if needed; resolves with its id. */
  open(): Promise<string>;
  /** One turn, streamed. */
  stream(input: string, options?: RunOptions): RunStream<AgentRunResult>;
  /** One turn; resolves with its result. */
  prompt(input: string, options?: RunToEndOptions): Promise<AgentRunResult>;
  /** `session/close`. */
  close(): Promise<SessionCloseResult>;
}

type Params<M extends keyof ClientRequests> = ClientRequests[M]['params'];
type Result<M extends keyof ClientRequests> = ClientRequests[M]['result'];

/** The run-starting requests that answer when their run ends. */
export type RunMethod = 'agent/run' | 'workflow/run' | 'coordinator/sequential' | 'coordinator/parallel' | 'coordinator/hierarchical' | 'session/prompt';

/**
 * A running `agentwire serve` and the connection to it.
 *
 * Events: `notification` (message) for every notification, `stderr` (text), `exit` (code, signal).
 */
export declare class AgentWire extends EventEmitter {
  private constructor();
  /** The executable and arguments it was started with. */
  readonly binary: string;
  readonly args: string[];
  /** From the `initialize` answer. */
  readonly serverInfo: ServerInfo;
  readonly capabilities: ServerCapabilities;
  readonly protocolVersion: InitializeResult['protocolVersion'];
  /** Answers `permission/request`; may be replaced at any time. */
  onPermission: ConnectOptions['onPermission'] | null;
  /** The process id. */
  readonly pid: number | undefined;
  /** Whether the process is running. */
  readonly running: boolean;
  /** The end of what the process wrote on stderr. */
  readonly stderrTail: string;
  /** Resolves once the process has ended. */
  readonly exited: Promise<{ code: number | null; signal: string | null }>;

  /** Any request of the protocol, typed by method; an unknown method is `unknown`. */
  request<M extends keyof ClientRequests>(method: M, params?: Params<M>, options?: RequestOptions): Promise<Result<M>>;
  request<M extends string>(method: M extends keyof ClientRequests ? never : M, params?: unknown, options?: RequestOptions): Promise<unknown>;
  /** Sends a notification; false when the process is gone. */
  notify(method: string, params?: unknown): boolean;

  agents(options?: RequestOptions): Promise<AgentInfo[]>;
  workflows(options?: RequestOptions): Promise<WorkflowInfo[]>;

  /** `agent/run`, streamed. */
  stream(agent: string, input: string, options?: RunOptions): RunStream<AgentRunResult>;
  /** `workflow/run`, streamed. */
  streamWorkflow(workflow: string, input: string, options?: RunOptions): RunStream<WorkflowRunResult>;
  /** Any run-starting request, streamed (`signal` and `onEvent` in options; the rest goes in `params`). */
  streamRequest(method: 'agent/run' | 'session/prompt', params: Params<'agent/run'> | Params<'session/prompt'>, options?: RunRequestOptions): RunStream<AgentRunResult>;
  streamRequest(method: 'workflow/run', params: Params<'workflow/run'>, options?: RunRequestOptions): RunStream<WorkflowRunResult>;
  streamRequest(method: 'coordinator/sequential', params: CoordinatorSequentialParams, options?: RunRequestOptions): RunStream<WorkflowRunResult>;
  streamRequest(method: 'coordinator/parallel', params: CoordinatorParallelParams, options?: RunRequestOptions): RunStream<WorkflowRunResult>;
  streamRequest(method: 'coordinator/hierarchical', params: CoordinatorHierarchicalParams, options?: RunRequestOptions): RunStream<WorkflowRunResult>;

  /** `agent/run` to its end. */
  run(agent: string, input: string, options?: RunToEndOptions): Promise<AgentRunResult>;
  /** `workflow/run` to its end. */
  workflow(workflow: string, input: string, options?: RunToEndOptions): Promise<WorkflowRunResult>;
  /** Resumes a failed, cancelled or interrupted run (`run/resume`) to its end; `force` resumes a changed workflow. */
  resume(runId: string, options?: ResumeOptions & { detach?: false }): Promise<AgentRunResult | WorkflowRunResult>;
  /** `run/resume` with `detach: true`: resolves at once with the new run's id. */
  resume(runId: string, options: ResumeOptions & { detach: true }): Promise<RunStartResult>;
  resume(runId: string, options?: ResumeOptions): Promise<AgentRunResult | WorkflowRunResult | RunStartResult>;
  /** Any run-starting request to its end. */
  runRequest<M extends RunMethod>(method: M, params: Params<M>, options?: RunRequestOptions): Promise<Result<M>>;

  /** A conversation with `agent`; `sessionId` resumes an existing one. */
  session(agent: string, options?: { sessionId?: string }): Session;
  /** `run/cancel`. */
  cancel(runId: string): Promise<RunCancelResult>;
  /** `shutdown` and `exit`; resolves once the process has ended (SIGTERM, then SIGKILL, if it lingers). */
  close(options?: { timeoutMs?: number }): Promise<{ code: number | null; signal: string | null }>;

  on(event: 'notification', listener: (message: ServerNotification) => void): this;
  on(event: 'stderr', listener: (text: string) => void): this;
  on(event: 'exit', listener: (code: number | null, signal: string | null) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

/** Starts `agentwire serve --store memory` and initializes the connection. */
export declare function connect(options?: ConnectOptions): Promise<AgentWire>;

/**
 * Cuts agentwire's output (bytes) into lines and parses them (exported for tools that read agentwire
 * output from elsewhere, such as a recorded session).
 */
export declare class Framer {
  constructor(onMessage: (message: any) => void, onBadLine: (line: string, error: Error) => void);
  push(chunk: Uint8Array | string): void;
  /** The unfinished last line, if any. */
  rest(): string;
}

/** Parses lines of agentwire output, with the fast path for `run/token` and `run/thinking`. */
export declare class MessageParser {
  constructor();
  parse(line: string): any;
}
