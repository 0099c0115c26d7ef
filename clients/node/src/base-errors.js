// The base of every error this package throws. The classes of the service's error codes are generated
// from schemas/openrpc.json into errors.js.

/**
 * An error answer of the service (`code`, `message` and `data` as on the wire), or a failure of the
 * connection to it (ConnectionError). Act on `code` and `data`; messages are for people.
 */
export class AgentWireError extends Error {
  /**
   * @param {string} message
   * @param {{code?: number, data?: unknown, cause?: unknown}} [options]
   */
  constructor(message, options = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = options.code !== undefined ? options.code : this.constructor.code;
    this.data = options.data;
  }
}
AgentWireError.prototype.name = 'AgentWireError';

/** The code of ConnectionError: client side, outside the codes the service answers with. */
export const CONNECTION_ERROR_CODE = -32099;

/**
 * The agentwire process could not be started, ended, or the connection was closed with close(), while
 * a request or a stream was waiting. `exitCode` and `signal` are the process's; `stderr` is the end of
 * what it wrote on stderr (also at the end of `message`).
 */
export class ConnectionError extends AgentWireError {
  constructor(message, { exitCode = null, signal = null, stderr = '', cause } = {}) {
    super(message, { code: CONNECTION_ERROR_CODE, data: { exitCode, signal, stderr }, cause });
    this.exitCode = exitCode;
    this.signal = signal;
    this.stderr = stderr;
  }
}
ConnectionError.code = CONNECTION_ERROR_CODE;
ConnectionError.prototype.name = 'ConnectionError';
