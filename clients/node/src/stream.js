// One run as an async iterator of its notifications, ending with its result.

import { RequestCancelledError } from './errors.js';

const DONE = Object.freeze({ value: undefined, done: true });
const noop = () => {};

/**
 * The notifications of one run (`{jsonrpc, method, params}`, exactly as the server sent them), in
 * order, then `{method: 'result', params: result}` once the run has ended. An error answer, or the
 * process ending, is thrown by the iterator after the events that came before it.
 *
 * Cancelling (the `signal` aborting, or cancel()) asks the server to stop the run (`run/cancel` once
 * `run/started` has named it, `$/cancelRequest` before that); events already on their way are still
 * delivered (typically the step's `cancelled`), then the iterator throws RequestCancelledError, whose
 * `data.partialOutput` is what the run produced. Leaving a `for await` loop early (break, return, a
 * throw) cancels the run the same way and waits for the server's answer, so the run is `cancelled`
 * in the run store once the loop has been left.
 *
 * Created by AgentWire#stream and its relatives; the request is sent at once.
 */
export class RunStream {
  /**
   * @param {import('./client.js').AgentWire} client
   * @param {string} method
   * @param {object | Promise<object>} params (a promise for a session's first prompt)
   * @param {{signal?: AbortSignal, sink?: (event: object) => void}} options: with `sink` the events
   *   go to it as they are read instead of being queued for iteration, which then yields only the
   *   result (what run() and the `onEvent` option use).
   */
  constructor(client, method, params, { signal, sink } = {}) {
    this.method = method;
    /** The id of the request that started the run (null until it is sent). */
    this.requestId = null;
    /** The run's id, from `run/started` (null until it arrives). */
    this.runId = null;
    this._client = client;
    this._queue = [];
    this._head = 0;
    /** Callers of next() waiting for an event, oldest first (for-await has at most one). */
    this._waiters = [];
    this._sink = typeof sink === 'function' ? sink : null;
    this._sinkError = null;
    this._done = false;
    this._final = null;
    this._error = null;
    this._left = false;
    this._cancelRequested = false;
    this._cancelThrows = false;
    this._cancelReason = undefined;
    this._signal = signal === undefined ? null : signal;
    this._onAbort = null;
    this._result = new Promise((resolve, reject) => {
      this._resolveResult = resolve;
      this._rejectResult = reject;
    });
    // Nobody has to look at the result: an unobserved rejection must not end the process.
    this._result.catch(noop);
    this._ended = this._result.then(noop, noop);

    if (this._signal !== null) {
      if (this._signal.aborted) {
        this._cancelRequested = true;
        this._end(null, cancelledError('The run was cancelled before it started', {}, this._signal.reason));
        return;
      }
      this._onAbort = () => this._cancel(true, this._signal.reason);
      this._signal.addEventListener('abort', this._onAbort, { once: true });
    }
    if (params !== null && typeof params === 'object' && typeof params.then === 'function') {
      params.then(
        (resolved) => this._start(resolved),
        (error) => this._end(null, error),
      );
    } else {
      this._start(params);
    }
  }

  /** The run's result (AgentRunResult or WorkflowRunResult); rejects as the iterator throws. */
  get result() {
    return this._result;
  }

  /**
   * Cancels the run (as the signal aborting does). Resolves once the server has answered the run's
   * request; never rejects.
   */
  cancel(reason) {
    this._cancel(true, reason);
    return this._ended;
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  next() {
    if (this._head < this._queue.length) {
      const value = this._queue[this._head];
      this._queue[this._head++] = undefined;
      const client = this._client;
      client._buffered -= 1;
      if (this._head === this._queue.length) {
        this._queue = [];
        this._head = 0;
      }
      if (client._paused) client._maybeResume();
      return Promise.resolve({ value, done: false });
    }
    if (this._done) return this._afterEnd();
    return new Promise((resolve, reject) => {
      if (this._waiters.push({ resolve, reject }) === 1) this._client._addDemand(1);
    });
  }

  /** Leaving the loop early: cancels the run, drops what is queued, waits for the server's answer. */
  return() {
    this._left = true;
    this._dropQueue();
    this._final = null;
    this._error = null;
    if (this._done) return Promise.resolve(DONE);
    this._cancel(false, undefined);
    return this._ended.then(() => DONE);
  }

  // ---- called by the client ----

  _start(params) {
    if (this._done) return;
    if (this._cancelRequested) {
      this._end(null, cancelledError('The run was cancelled before it started', {}, this._cancelReason));
      return;
    }
    this._client._startRun(this, this.method, params);
  }

  /** A notification of this run. */
  _event(message) {
    if (this._sink !== null) {
      if (this._sinkError !== null) return;
      try {
        this._sink(message);
      } catch (error) {
        this._sinkError = error;
        this._cancel(true, error);
      }
      return;
    }
    if (this._left) return;
    const waiters = this._waiters;
    if (waiters.length !== 0) {
      const waiter = waiters.shift();
      if (waiters.length === 0) this._client._addDemand(-1);
      waiter.resolve({ value: message, done: false });
      return;
    }
    this._queue.push(message);
    this._client._buffered += 1;
  }

  /** The answer to the run's request. */
  _settle(message) {
    const error = message.error;
    if (error !== undefined) {
      const failure = this._client._errorFromWire(error);
      if (this._cancelRequested && this._cancelReason !== undefined && failure.cause === undefined) {
        failure.cause = this._cancelReason;
      }
      this._end(null, failure);
      return;
    }
    const result = message.result;
    if (this._cancelRequested && this._cancelThrows) {
      const failure = cancelledError(
        'Request cancelled',
        { runId: result && result.runId, partialOutput: result && result.output },
        this._cancelReason,
      );
      failure.result = result;
      this._end(null, failure);
      return;
    }
    this._end(result, null);
  }

  /** The connection failed. */
  _fail(error) {
    this._end(null, error);
  }

  // ---- internals ----

  _cancel(throws, reason) {
    if (this._done || this._cancelRequested) return;
    this._cancelRequested = true;
    this._cancelThrows = throws;
    this._cancelReason = reason;
    if (this.requestId === null) return; // not sent yet: _start ends it
    if (this.runId !== null) this._client._cancelRun(this.runId);
    else this._client.notify('$/cancelRequest', { id: this.requestId });
  }

  _end(result, error) {
    if (this._done) return;
    this._done = true;
    if (this._onAbort !== null) {
      this._signal.removeEventListener('abort', this._onAbort);
      this._onAbort = null;
    }
    if (this._sinkError !== null) error = this._sinkError;
    if (error !== null) {
      this._rejectResult(error);
      if (!this._left) this._error = error;
    } else {
      this._resolveResult(result);
      if (!this._left) this._final = { value: { method: 'result', params: result }, done: false };
    }
    const waiters = this._waiters;
    if (waiters.length !== 0) {
      this._waiters = [];
      this._client._addDemand(-1);
      for (const waiter of waiters) this._afterEnd().then(waiter.resolve, waiter.reject);
    }
  }

  /** next() once the queue is empty and the run has ended: the result event, or the error, then done. */
  _afterEnd() {
    const final = this._final;
    if (final !== null) {
      this._final = null;
      return Promise.resolve(final);
    }
    const error = this._error;
    if (error !== null) {
      this._error = null;
      return Promise.reject(error);
    }
    return Promise.resolve(DONE);
  }

  _dropQueue() {
    const queued = this._queue.length - this._head;
    if (queued > 0) {
      this._client._buffered -= queued;
      if (this._client._paused) this._client._maybeResume();
    }
    this._queue = [];
    this._head = 0;
  }
}

function cancelledError(message, data, cause) {
  return new RequestCancelledError(message, { data, cause });
}
