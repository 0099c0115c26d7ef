// The connection to one `agentwire serve` process over its stdin/stdout, newline-delimited JSON-RPC 2.0.

import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { ConnectionError } from './base-errors.js';
import { errorFromWire, MessageTooLargeError, RequestCancelledError } from './errors.js';
import { Framer } from './framing.js';
import { RunStream } from './stream.js';
import { VERSION } from './version.js';

const PROTOCOL_VERSION = 'agentwire/1';
const noop = () => {};

/** Default `logger`: a process warning (shown once per kind by Node unless --no-warnings). */
function defaultLogger(message) {
  process.emitWarning(message, { type: 'AgentWireWarning' });
}

/** A plain request waiting for its answer. */
class PendingRequest {
  constructor(resolve, reject) {
    this.resolve = resolve;
    this.reject = reject;
    this.bytes = 0;
    this.cleanup = null;
  }

  _settle(message) {
    if (this.cleanup !== null) this.cleanup();
    if (message.error !== undefined) this.reject(errorFromWire(message.error));
    else this.resolve(message.result);
  }

  _fail(error) {
    if (this.cleanup !== null) this.cleanup();
    this.reject(error);
  }
}

/** A conversation with one agent: `session/new` on first use, then `session/prompt` per turn. */
export class Session {
  constructor(client, agent, sessionId = null) {
    this.client = client;
    this.agent = agent;
    /** The session's id once `session/new` has answered (or the one given to resume). */
    this.sessionId = sessionId;
    this._opening = null;
  }

  /** Creates the session if needed; resolves with its id. */
  open() {
    if (this.sessionId !== null) return Promise.resolve(this.sessionId);
    if (this._opening === null) {
      this._opening = this.client.request('session/new', { agent: this.agent }).then(
        (answer) => {
          this.sessionId = answer.sessionId;
          return this.sessionId;
        },
        (error) => {
          this._opening = null;
          throw error;
        },
      );
    }
    return this._opening;
  }

  /** One turn, streamed (see AgentWire#stream). */
  stream(input, options = {}) {
    const { signal, onEvent, ...rest } = options;
    const params = this.sessionId !== null ? { sessionId: this.sessionId, input, ...rest } : this.open().then((sessionId) => ({ sessionId, input, ...rest }));
    return new RunStream(this.client, 'session/prompt', params, { signal, sink: onEvent });
  }

  /** One turn; resolves with its AgentRunResult. */
  prompt(input, options = {}) {
    const { signal, onEvent, ...rest } = options;
    const params = this.sessionId !== null ? { sessionId: this.sessionId, input, ...rest } : this.open().then((sessionId) => ({ sessionId, input, ...rest }));
    return new RunStream(this.client, 'session/prompt', params, { signal, sink: onEvent || noop }).result;
  }

  /** Forgets the session on the server (nothing to do if it was never opened). */
  async close() {
    if (this.sessionId === null && this._opening === null) return { closed: true };
    const sessionId = await this.open();
    return this.client.request('session/close', { sessionId });
  }
}

/**
 * A running `agentwire serve` and the JSON-RPC connection to it. Create it with connect().
 *
 * Events: `notification` (message) for every notification the server sends, `stderr` (text) for what
 * the process writes on stderr, `exit` (code, signal) once it has ended.
 */
export class AgentWire extends EventEmitter {
  constructor(options = {}) {
    super();
    const binary = options.binary || process.env.AGENTWIRE_BIN || 'agentwire';
    const args = ['serve'];
    const store = options.store === undefined ? 'memory' : options.store;
    if (store !== null && store !== false && store !== '') args.push('--store', String(store));
    if (options.config) args.push('--config', String(options.config));
    if (options.logLevel) args.push('--log-level', String(options.logLevel));
    if (options.args) args.push(...options.args.map(String));
    this.binary = binary;
    this.args = args;
    /** `onPermission(request)` answers `permission/request`; may be changed at any time. */
    this.onPermission = options.onPermission || null;
    this.serverInfo = null;
    this.capabilities = null;
    this.protocolVersion = null;
    this._logger = options.logger === undefined ? defaultLogger : options.logger;
    this._stderrLimit = options.stderrTailBytes || 8192;
    this._stderrTail = '';
    this._highWaterMark = options.highWaterMark || 16384;
    this._lowWaterMark = this._highWaterMark >> 1;
    this._nextId = 1;
    this._pending = new Map();
    this._runs = new Map();
    this._lastRunId = null;
    this._lastRun = null;
    this._buffered = 0;
    this._demand = 0;
    this._paused = false;
    this._referenced = true;
    this._state = 'open';
    this._closing = false;
    this._closePromise = null;
    this._closedError = null;
    this._exitStatus = null;
    this._tapped = false;
    this.on('newListener', (event) => {
      if (event === 'notification') this._tapped = true;
    });
    this.on('removeListener', (event) => {
      if (event === 'notification') this._tapped = this.listenerCount('notification') > 0;
    });
    // Listeners that must see the very first output, before connect() resolves.
    if (options.onStderr) this.on('stderr', options.onStderr);

    let resolveExit;
    /** Resolves with `{code, signal}` once the process has ended (never rejects). */
    this.exited = new Promise((resolve) => {
      resolveExit = resolve;
    });
    this._resolveExit = resolveExit;

    let env = process.env;
    if (options.env) {
      // Added to this process's environment; a variable given as undefined is removed.
      env = { ...process.env };
      for (const [name, value] of Object.entries(options.env)) {
        if (value === undefined) delete env[name];
        else env[name] = String(value);
      }
    }
    const child = spawn(binary, args, { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    this._child = child;
    const framer = new Framer(
      (message) => this._onMessage(message),
      (line, error) => this._warn(`agentwire sent a line that is not JSON (${error.message}): ${line.slice(0, 200)}`),
    );
    this._framer = framer;
    child.stdout.on('data', (chunk) => {
      framer.push(chunk);
      if (this._buffered > this._highWaterMark && this._demand === 0 && !this._paused) this._pause();
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text) => this._onStderr(text));
    // Writes after the process has gone fail here instead of throwing; the exit is reported by 'close'.
    child.stdin.on('error', noop);
    child.on('error', (error) => {
      if (child.pid === undefined) this._finish(null, null, error);
    });
    child.on('exit', (code, signal) => {
      this._exitStatus = { code, signal };
      // Read what is left in the pipe; 'close' follows once stdout and stderr are drained (unless a
      // grandchild holds them open: then finish shortly anyway).
      if (this._paused) this._resume();
      setTimeout(() => this._finish(code, signal, null), 500).unref();
    });
    child.on('close', (code, signal) => this._finish(code, signal, null));
  }

  /** The process id of agentwire (undefined if it could not be started). */
  get pid() {
    return this._child.pid;
  }

  /** The end of what the process wrote on stderr (at most `stderrTailBytes` characters). */
  get stderrTail() {
    const tail = this._stderrTail;
    return tail.length > this._stderrLimit ? tail.slice(tail.length - this._stderrLimit) : tail;
  }

  /** Whether the process is running and the connection usable. */
  get running() {
    return this._state === 'open';
  }

  // ---- requests ----

  /**
   * Sends a request; resolves with its result, rejects with an AgentWireError subclass for an error
   * answer, or a ConnectionError when the process ends first. An aborted `signal` sends
   * `$/cancelRequest` and rejects at once with RequestCancelledError.
   */
  request(method, params, options = {}) {
    const signal = options.signal;
    return new Promise((resolve, reject) => {
      if (signal && signal.aborted) {
        reject(new RequestCancelledError(`${method} was cancelled before it was sent`, { data: {}, cause: signal.reason }));
        return;
      }
      if (this._state === 'closed') {
        reject(this._closedError);
        return;
      }
      const entry = new PendingRequest(resolve, reject);
      const id = this._send(entry, method, params);
      this._addDemand(1);
      if (signal) {
        const onAbort = () => {
          if (this._pending.get(id) !== entry) return;
          this._forget(id, entry);
          this.notify('$/cancelRequest', { id });
          reject(new RequestCancelledError(`${method} was cancelled`, { data: {}, cause: signal.reason }));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        entry.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
    });
  }

  /** Sends a notification; false when the process is gone. */
  notify(method, params) {
    if (this._state === 'closed') return false;
    const message = params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params };
    this._child.stdin.write(`${JSON.stringify(message)}\n`);
    return true;
  }

  /** `agents/list`: the configured agents. */
  async agents(options) {
    return (await this.request('agents/list', undefined, options)).agents;
  }

  /** `workflows/list`: the configured workflows. */
  async workflows(options) {
    return (await this.request('workflows/list', undefined, options)).workflows;
  }

  /**
   * Runs `agent` on `input` and streams its events (RunStream). Options other than `signal` and
   * `onEvent` are params of `agent/run` (`timeoutMs`, `stream`, `_meta`). With `onEvent(event)` the
   * events go to it as they are read (synchronously, in order) instead of to the iterator, which then
   * yields only the result.
   */
  stream(agent, input, options = {}) {
    const { signal, onEvent, ...rest } = options;
    return new RunStream(this, 'agent/run', { agent, input, ...rest }, { signal, sink: onEvent });
  }

  /** Runs the configured workflow `workflow` on `input` and streams its events (`workflow/run`). */
  streamWorkflow(workflow, input, options = {}) {
    const { signal, onEvent, ...rest } = options;
    return new RunStream(this, 'workflow/run', { workflow, input, ...rest }, { signal, sink: onEvent });
  }

  /**
   * Streams the run of any run-starting request (`agent/run`, `workflow/run`, `coordinator/*`,
   * `session/prompt`) with `params` as given; `options` takes `signal` and `onEvent`.
   */
  streamRequest(method, params, options = {}) {
    return new RunStream(this, method, params, { signal: options.signal, sink: options.onEvent });
  }

  /** Runs `agent` on `input`; resolves with the AgentRunResult. `onEvent(event)` sees each notification. */
  run(agent, input, options = {}) {
    const { signal, onEvent, ...rest } = options;
    return new RunStream(this, 'agent/run', { agent, input, ...rest }, { signal, sink: onEvent || noop }).result;
  }

  /** Runs the configured workflow; resolves with the WorkflowRunResult. */
  workflow(workflow, input, options = {}) {
    const { signal, onEvent, ...rest } = options;
    return new RunStream(this, 'workflow/run', { workflow, input, ...rest }, { signal, sink: onEvent || noop }).result;
  }

  /**
   * Resumes a failed, cancelled or interrupted run (`run/resume`): a new run that reuses the agent calls
   * the original completed. Resolves with its AgentRunResult or WorkflowRunResult, as the original was;
   * `force: true` resumes a workflow whose definition changed. With `detach: true` it resolves at once
   * with the server's answer, `{runId}` of the new run, which goes on by itself (as `agent/start` does).
   */
  resume(runId, options = {}) {
    const { signal, onEvent, ...rest } = options;
    if (rest.detach) return this.request('run/resume', { runId, ...rest }, { signal });
    return new RunStream(this, 'run/resume', { runId, ...rest }, { signal, sink: onEvent || noop }).result;
  }

  /** Runs any run-starting request to its end; resolves with its result. */
  runRequest(method, params, options = {}) {
    return new RunStream(this, method, params, { signal: options.signal, sink: options.onEvent || noop }).result;
  }

  /** A conversation with `agent` (a new session, or `sessionId` to resume one). */
  session(agent, options = {}) {
    return new Session(this, agent, options.sessionId || null);
  }

  /** `run/cancel`: stops a run by id (also one started elsewhere on the same store). */
  cancel(runId) {
    return this.request('run/cancel', { runId });
  }

  /**
   * `shutdown`, `exit`, then waits for the process to end: after `timeoutMs` it is sent SIGTERM, and
   * SIGKILL two seconds later. Requests and streams still waiting fail with ConnectionError.
   * Resolves with `{code, signal}`.
   */
  close(options = {}) {
    if (this._closePromise !== null) return this._closePromise;
    const timeoutMs = options.timeoutMs === undefined ? 2000 : options.timeoutMs;
    this._closing = true;
    this._closePromise = (async () => {
      if (this._state !== 'closed') {
        let timer;
        const timeout = new Promise((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        });
        try {
          await Promise.race([this.request('shutdown'), timeout]);
        } catch {
          // Going away already.
        }
        clearTimeout(timer);
        this.notify('exit');
        if (this._state !== 'closed') this._child.stdin.end();
        let kill = null;
        let killHard = null;
        kill = setTimeout(() => {
          this._child.kill('SIGTERM');
          killHard = setTimeout(() => this._child.kill('SIGKILL'), 2000);
        }, timeoutMs);
        this._ref();
        await this.exited;
        clearTimeout(kill);
        if (killHard !== null) clearTimeout(killHard);
      }
      return this.exited;
    })();
    return this._closePromise;
  }

  // ---- internals: sending ----

  /** Registers `entry` under a new id and writes the request; returns the id. */
  _send(entry, method, params) {
    const id = this._nextId++;
    const message = params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params };
    const line = `${JSON.stringify(message)}\n`;
    // A request over --max-message-bytes (at least 1024) is answered with id null: remember the size
    // of those that could be, to find which one it was.
    if (line.length > 341) entry.bytes = Buffer.byteLength(line) - 1;
    if (this._pending.size === 0) this._ref();
    this._pending.set(id, entry);
    this._child.stdin.write(line);
    return id;
  }

  /** Called by RunStream: sends its request. */
  _startRun(stream, method, params) {
    if (this._state === 'closed') {
      stream._fail(this._closedError);
      return;
    }
    stream.requestId = this._send(stream, method, params);
    if (stream._sink !== null) this._addDemand(1);
  }

  _cancelRun(runId) {
    if (this._state === 'closed') return;
    this.request('run/cancel', { runId }).catch(noop);
  }

  _forget(id, entry) {
    this._pending.delete(id);
    if (entry instanceof PendingRequest || entry._sink !== null) this._addDemand(-1);
    if (entry instanceof RunStream && entry.runId !== null) {
      this._runs.delete(entry.runId);
      if (this._lastRun === entry) {
        this._lastRun = null;
        this._lastRunId = null;
      }
    }
    if (this._pending.size === 0) this._unref();
  }

  _errorFromWire(error) {
    return errorFromWire(error);
  }

  // ---- internals: receiving ----

  _onMessage(message) {
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
      this._warn(`agentwire sent something that is not a JSON-RPC message: ${JSON.stringify(message).slice(0, 200)}`);
      return;
    }
    if (message.method !== undefined) {
      if (message.id === undefined) this._onNotification(message);
      else this._onServerRequest(message);
    } else {
      this._onResponse(message);
    }
  }

  _onNotification(message) {
    const params = message.params;
    if (params !== undefined && params !== null) {
      const runId = params.runId;
      let run;
      if (runId === this._lastRunId) {
        run = this._lastRun;
      } else if (typeof runId === 'string') {
        run = this._runs.get(runId);
        if (run === undefined && message.method === 'run/started') run = this._claim(runId, params.requestId);
        if (run !== undefined) {
          this._lastRunId = runId;
          this._lastRun = run;
        }
      }
      if (run !== undefined && run !== null) run._event(message);
    }
    if (this._tapped) this._emitSafely('notification', message);
  }

  /** `run/started` of a run this client started: the stream waiting under its request id. */
  _claim(runId, requestId) {
    const entry = this._pending.get(requestId);
    if (!(entry instanceof RunStream) || entry.runId !== null) return undefined;
    entry.runId = runId;
    this._runs.set(runId, entry);
    return entry;
  }

  _onResponse(message) {
    const id = message.id;
    let entry = this._pending.get(id);
    if (entry === undefined) {
      if (id === null && message.error) entry = this._culpritOf(message.error);
      if (entry === undefined) {
        if (message.error) this._warn(`agentwire: ${message.error.message} (${message.error.code})`);
        return;
      }
      for (const [key, value] of this._pending) {
        if (value === entry) {
          this._forget(key, entry);
          break;
        }
      }
    } else {
      this._forget(id, entry);
    }
    entry._settle(message);
  }

  /** The request an error with id null is about: the oldest one over the size limit of -32002. */
  _culpritOf(error) {
    if (error.code !== MessageTooLargeError.code || !error.data) return undefined;
    for (const entry of this._pending.values()) {
      if (entry.bytes > error.data.limit) return entry;
    }
    return undefined;
  }

  _onServerRequest(message) {
    if (message.method === 'permission/request') {
      this._answerPermission(message).catch((error) => this._warn(`agentwire: answering permission/request failed: ${error.message}`));
      return;
    }
    this._write({ jsonrpc: '2.0', id: message.id, error: { code: -32601, message: `Method not found: ${message.method}`, data: { method: message.method } } });
  }

  async _answerPermission(message) {
    const params = message.params || {};
    const options = Array.isArray(params.options) ? params.options : [];
    const rejectId = rejectOptionId(options);
    let optionId = rejectId;
    const handler = this.onPermission;
    if (typeof handler === 'function') {
      try {
        const answer = await handler(params);
        optionId = chosenOptionId(answer, options, rejectId);
        if (optionId === null) {
          this._warn(`agentwire: onPermission answered ${JSON.stringify(answer)}, not one of the options; ${params.tool} was rejected`);
          optionId = rejectId;
        }
      } catch (error) {
        this._warn(`agentwire: onPermission failed (${error && error.message}); ${params.tool} was rejected`);
      }
    } else {
      this._warn(`agentwire: ${params.agent} wants to run the tool ${params.tool}; rejected, as no onPermission handler is set`);
    }
    this._write({ jsonrpc: '2.0', id: message.id, result: { optionId } });
  }

  _write(message) {
    if (this._state === 'closed') return;
    this._child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  _onStderr(text) {
    let tail = this._stderrTail + text;
    if (tail.length > 2 * this._stderrLimit) tail = tail.slice(tail.length - this._stderrLimit);
    this._stderrTail = tail;
    if (this.listenerCount('stderr') > 0) this._emitSafely('stderr', text);
  }

  _emitSafely(event, value) {
    try {
      this.emit(event, value);
    } catch (error) {
      // A listener's exception must not corrupt the framing: report it as EventEmitter would.
      queueMicrotask(() => {
        throw error;
      });
    }
  }

  _warn(message) {
    const logger = this._logger;
    if (!logger) return;
    if (typeof logger === 'function') logger(message);
    else if (typeof logger.warn === 'function') logger.warn(message);
  }

  // ---- internals: flow control and lifetime ----

  /** `delta` consumers more (or fewer) now wait for input; reading resumes whenever one does. */
  _addDemand(delta) {
    this._demand += delta;
    if (delta > 0 && this._paused) this._resume();
  }

  _maybeResume() {
    if (this._buffered <= this._lowWaterMark) this._resume();
  }

  _pause() {
    this._paused = true;
    this._child.stdout.pause();
  }

  _resume() {
    if (!this._paused) return;
    this._paused = false;
    this._child.stdout.resume();
  }

  /** While requests are pending the process keeps Node alive; an idle client does not. */
  _ref() {
    if (this._referenced) return;
    this._referenced = true;
    const child = this._child;
    child.ref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) if (stream && stream.ref) stream.ref();
  }

  _unref() {
    if (!this._referenced || this._closing) return;
    this._referenced = false;
    const child = this._child;
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) if (stream && stream.unref) stream.unref();
  }

  _finish(code, signal, spawnError) {
    if (this._state === 'closed') return;
    if (code === null && signal === null && this._exitStatus !== null) ({ code, signal } = this._exitStatus);
    this._state = 'closed';
    const rest = this._framer.rest();
    if (rest.trim().length !== 0) this._framer.line(rest, 0, rest.length);
    const stderr = this.stderrTail;
    const tail = stderr.trim() ? `; the end of its stderr:\n${stderr.trimEnd()}` : ' (it wrote nothing on stderr)';
    let error;
    if (spawnError) {
      error = new ConnectionError(`agentwire could not be started (${this.binary}): ${spawnError.message}`, { stderr, cause: spawnError });
    } else if (this._closing) {
      error = new ConnectionError(`the connection to agentwire was closed (exit code ${code}, signal ${signal})`, { exitCode: code, signal, stderr });
    } else {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      error = new ConnectionError(`agentwire (pid ${this._child.pid}) ${how}${tail}`, { exitCode: code, signal, stderr });
    }
    this._closedError = error;
    const pending = [...this._pending.values()];
    this._pending.clear();
    this._runs.clear();
    this._lastRun = null;
    this._lastRunId = null;
    for (const entry of pending) entry._fail(error);
    this._resolveExit({ code, signal });
    this.emit('exit', code, signal);
  }
}

/** The optionId that rejects: the option of kind `reject_*`, else `reject`. */
function rejectOptionId(options) {
  const option = options.find((candidate) => candidate && typeof candidate.kind === 'string' && candidate.kind.startsWith('reject'));
  return option ? option.optionId : 'reject';
}

/**
 * The optionId an onPermission answer stands for: an optionId, an option (or `{optionId}`), `true`
 * (allow once) or a falsy value (reject). null for an answer that names no offered option.
 */
function chosenOptionId(answer, options, rejectId) {
  if (answer === undefined || answer === null || answer === false) return rejectId;
  if (answer === true) answer = 'allow_once';
  const optionId = typeof answer === 'string' ? answer : answer && typeof answer.optionId === 'string' ? answer.optionId : null;
  if (optionId === null) return null;
  return options.some((option) => option && option.optionId === optionId) ? optionId : null;
}

/**
 * Starts `agentwire serve --store memory` (see the options) and initializes the connection; resolves
 * with the AgentWire client once `initialize` has been answered.
 */
export async function connect(options = {}) {
  const client = new AgentWire(options);
  try {
    const params = {
      protocolVersion: PROTOCOL_VERSION,
      clientInfo: options.clientInfo || { name: 'agentwire-node', version: VERSION },
    };
    if (options.stream) params.stream = options.stream;
    const answer = await client.request('initialize', params);
    client.serverInfo = answer.serverInfo;
    client.capabilities = answer.capabilities;
    client.protocolVersion = answer.protocolVersion;
    client.notify('initialized');
  } catch (error) {
    await client.close({ timeoutMs: 500 });
    throw error;
  }
  return client;
}
