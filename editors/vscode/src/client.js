'use strict';
// A JSON-RPC 2.0 client for one `agentwire` process over its stdin/stdout, with Content-Length
// framing. It knows nothing of VS Code, so it runs (and is tested) under plain Node.

const { spawn } = require('node:child_process');
const { EventEmitter } = require('node:events');

/** An error answer of the service: `code`, `message` and `data` as on the wire. */
class RpcError extends Error {
  constructor({ code, message, data }) {
    super(message);
    this.name = 'RpcError';
    this.code = code;
    this.data = data;
  }
}

/** Splits a byte stream into Content-Length framed JSON messages. */
class FrameReader {
  constructor() {
    this.buffer = Buffer.alloc(0);
  }

  /** Adds `chunk` and returns every message it completes, parsed. */
  push(chunk) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const messages = [];
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) break;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const match = /^content-length:\s*(\d+)\s*$/im.exec(header);
      if (!match) throw new Error(`frame without Content-Length: ${JSON.stringify(header)}`);
      const length = Number(match[1]);
      const bodyStart = headerEnd + 4;
      if (this.buffer.length < bodyStart + length) break;
      const body = this.buffer.subarray(bodyStart, bodyStart + length).toString('utf8');
      this.buffer = this.buffer.subarray(bodyStart + length);
      messages.push(JSON.parse(body));
    }
    return messages;
  }
}

/** Encodes one message as a Content-Length frame. */
function frame(message) {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

/**
 * The connection to one agentwire process.
 * Events: `notification` (method, params), `stderr` (text), `exit` (code, signal).
 * Requests of the service (`permission/request`) go to the handler `onRequest` set for their method;
 * any other is answered with -32601.
 */
class AgentWireClient extends EventEmitter {
  /**
   * @param {{command?: string, args?: string[], cwd?: string, env?: object}} options
   */
  constructor({ command = 'agentwire', args = [], cwd, env } = {}) {
    super();
    this.command = command;
    this.args = args;
    this.cwd = cwd;
    this.env = env;
    this.nextId = 1;
    this.pending = new Map();
    this.requestHandlers = new Map();
    this.process = null;
    this.running = false;
    this.exited = null;
  }

  /** Spawns the process. A missing executable ends it at once with an `exit` event. */
  start() {
    const child = spawn(this.command, this.args, {
      cwd: this.cwd,
      env: this.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.process = child;
    this.running = true;
    const reader = new FrameReader();
    child.stdout.on('data', (chunk) => {
      let messages;
      try {
        messages = reader.push(chunk);
      } catch (error) {
        this.emit('stderr', `agentwire: unreadable output: ${error.message}\n`);
        child.kill();
        return;
      }
      for (const message of messages) this.receive(message);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text) => this.emit('stderr', text));
    // Writes after the process is gone fail here rather than throwing.
    child.stdin.on('error', () => {});
    this.exited = new Promise((resolve) => {
      let done = false;
      const finish = (code, signal, reason) => {
        if (done) return;
        done = true;
        this.running = false;
        const error = new RpcError({ code: -32099, message: reason });
        for (const { reject } of this.pending.values()) reject(error);
        this.pending.clear();
        this.emit('exit', code, signal);
        resolve({ code, signal });
      };
      child.on('error', (error) => finish(null, null, `agentwire could not start: ${error.message}`));
      child.on('exit', (code, signal) => finish(code, signal, `agentwire exited (code ${code}, signal ${signal})`));
    });
    return this;
  }

  /**
   * Answers the service's requests for `method` with `handler(params, id)`: its value (or what the
   * promise it returns resolves to) is the result; a throw or a rejection is an error answer (with the
   * error's `code`, else -32603).
   */
  onRequest(method, handler) {
    this.requestHandlers.set(method, handler);
  }

  /** Answers a request of the service. */
  async answer({ id, method, params }) {
    const handler = this.requestHandlers.get(method);
    if (!handler) {
      this.send({ jsonrpc: '2.0', id, error: { code: -32601, message: `Method not found: ${method}` } });
      return;
    }
    try {
      const result = await handler(params, id);
      this.send({ jsonrpc: '2.0', id, result: result === undefined ? null : result });
    } catch (error) {
      const code = Number.isInteger(error && error.code) ? error.code : -32603;
      this.send({ jsonrpc: '2.0', id, error: { code, message: String((error && error.message) || error) } });
    }
  }

  /** Handles one message from the service. */
  receive(message) {
    if (message.method !== undefined) {
      if (message.id === undefined) this.emit('notification', message.method, message.params);
      else this.answer(message);
      return;
    }
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (message.error) waiter.reject(new RpcError(message.error));
    else waiter.resolve(message.result);
  }

  send(message) {
    if (!this.running) return false;
    this.process.stdin.write(frame(message));
    return true;
  }

  /**
   * Sends a request. Returns its `id` (for `$/cancelRequest`) and `result`, a promise of the answer
   * that rejects with an RpcError for an error answer or when the process ends.
   */
  request(method, params) {
    const id = this.nextId++;
    const result = new Promise((resolve, reject) => {
      if (!this.running) {
        reject(new RpcError({ code: -32099, message: 'agentwire is not running' }));
        return;
      }
      this.pending.set(id, { resolve, reject });
      const message = { jsonrpc: '2.0', id, method };
      if (params !== undefined) message.params = params;
      this.send(message);
    });
    return { id, result };
  }

  /** Sends a notification; false when the process is gone. */
  notify(method, params) {
    const message = { jsonrpc: '2.0', method };
    if (params !== undefined) message.params = params;
    return this.send(message);
  }

  /** `initialize` then `initialized`; resolves with the server's answer. */
  async initialize(clientInfo, stream) {
    const params = { protocolVersion: 'agentwire/1', clientInfo };
    if (stream) params.stream = stream;
    const answer = await this.request('initialize', params).result;
    this.notify('initialized');
    return answer;
  }

  /** `shutdown` and `exit`, then waits for the process to end (killing it after `graceMs`). */
  async shutdown(graceMs = 2000) {
    if (!this.running) return this.exited;
    try {
      await Promise.race([
        this.request('shutdown').result,
        new Promise((resolve) => setTimeout(resolve, graceMs).unref()),
      ]);
    } catch {
      // The process is already going away.
    }
    this.notify('exit');
    if (this.running) this.process.stdin.end();
    const timer = setTimeout(() => this.process.kill(), graceMs);
    timer.unref();
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}

module.exports = { AgentWireClient, RpcError, FrameReader, frame };
