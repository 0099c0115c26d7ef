// Every error class of the schema: reached through the real binary where a well-behaved client can
// reach it, and mapped from its code in every case.

import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import * as agentwire from '../src/index.js';
import {
  AgentWireError,
  BudgetExceededError,
  ConnectionError,
  ErrorCode,
  errorClasses,
  errorFromWire,
  InvalidParamsError,
  MessageTooLargeError,
  MethodNotFoundError,
  NotFoundError,
  OutputMismatchError,
  OverloadedError,
  ProviderFailureError,
  RateLimitedError,
  RequestCancelledError,
  SessionBusyError,
  ShuttingDownError,
  TimeoutError,
} from '../src/index.js';
import { open, repoRoot, waitFor, words, writeConfig } from './support.js';

const schemaErrors = JSON.parse(fs.readFileSync(path.join(repoRoot, 'schemas', 'openrpc.json'), 'utf8')).components.errors;

test('one exported class per error of the schema, by code, each an AgentWireError', () => {
  assert.equal(errorClasses.size, Object.keys(schemaErrors).length);
  for (const [name, { code, message }] of Object.entries(schemaErrors)) {
    const className = name.endsWith('Error') ? name : `${name}Error`;
    const ErrorClass = agentwire[className];
    assert.equal(typeof ErrorClass, 'function', className);
    assert.equal(ErrorClass.code, code);
    assert.equal(ErrorCode[name], code);
    assert.equal(errorClasses.get(code), ErrorClass);
    const error = errorFromWire({ code, message, data: { detail: 'x' } });
    assert.ok(error instanceof ErrorClass && error instanceof AgentWireError && error instanceof Error);
    assert.equal(error.name, className);
    assert.equal(error.code, code);
    assert.equal(error.message, message);
    assert.deepEqual(error.data, { detail: 'x' });
    assert.equal(new ErrorClass().message, message);
  }
  const unknown = errorFromWire({ code: -32099 + 1, message: 'other' });
  assert.equal(unknown.constructor, AgentWireError);
  assert.equal(unknown.code, -32098);
  assert.equal(ConnectionError.code, -32099);
});

test('not found, invalid params, method not found, timeout, shutting down: from the binary', async (t) => {
  const aw = await open(t);
  await assert.rejects(aw.run('nobody', 'hi'), (error) => {
    assert.ok(error instanceof NotFoundError);
    assert.equal(error.code, -32001);
    assert.equal(error.data.agent, 'nobody');
    assert.ok(error.data.available.includes('echo'));
    assert.equal(error.data.retryable, false);
    return true;
  });
  await assert.rejects(aw.workflow('nothing', 'hi'), (error) => error instanceof NotFoundError && error.data.workflow === 'nothing');
  await assert.rejects(aw.run('echo', 'hi', { timeoutMS: 5 }), (error) => {
    assert.ok(error instanceof InvalidParamsError);
    assert.equal(error.data.field, 'params.timeoutMS');
    return true;
  });
  await assert.rejects(aw.request('agent/frobnicate', {}), (error) => error instanceof MethodNotFoundError && error.data.method === 'agent/frobnicate');
  const stream = aw.stream('echo-slow', words(40), { timeoutMs: 200 });
  let text = '';
  const timeout = await (async () => {
    for await (const event of stream) if (event.method === 'run/token') text += event.params.text;
  })().catch((error) => error);
  assert.ok(timeout instanceof TimeoutError, String(timeout));
  assert.equal(timeout.code, -32005);
  assert.equal(timeout.data.runId, stream.runId);
  assert.equal(timeout.data.partialOutput, text);
  assert.equal((await aw.request('run/get', { runId: stream.runId })).status, 'failed');
  // After shutdown every request but shutdown and ping is refused.
  await aw.request('shutdown');
  await assert.rejects(aw.run('echo', 'hi'), ShuttingDownError);
  await assert.rejects(aw.agents(), (error) => error instanceof ShuttingDownError && error.code === -32003);
  assert.deepEqual(await aw.request('ping'), {});
});

test('rate limited and overloaded: from a config with tiny limits', async (t) => {
  const config = writeConfig({ limits: { maxConcurrentRuns: 1, requestsPerMinute: 2 } });
  const aw = await open(t, { config });
  const slow = aw.run('echo-slow', words(6));
  await assert.rejects(aw.run('echo', 'second at once'), (error) => {
    assert.ok(error instanceof OverloadedError);
    assert.equal(error.data.limit, 1);
    assert.equal(error.data.retryable, true);
    return true;
  });
  assert.equal((await slow).output, words(6));
  await aw.run('echo', 'second in the minute');
  await assert.rejects(aw.run('echo', 'third in the minute'), (error) => {
    assert.ok(error instanceof RateLimitedError);
    assert.equal(error.code, -32006);
    assert.equal(error.data.limit, 2);
    assert.ok(error.data.retryAfterMs > 0);
    return true;
  });
});

test('provider failure: an openai agent whose server cannot be reached', async (t) => {
  const port = await new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port: free } = server.address();
      server.close(() => resolve(free));
    });
  });
  const config = writeConfig({
    agents: { gone: { provider: { type: 'openai', baseURL: `http://127.0.0.1:${port}/v1`, model: 'none', retries: 0 } } },
  });
  const aw = await open(t, { config });
  await assert.rejects(aw.run('gone', 'hello'), (error) => {
    assert.ok(error instanceof ProviderFailureError, String(error));
    assert.equal(error.code, -32010);
    assert.equal(error.data.stepId, '1');
    assert.equal(error.data.partialOutput, '');
    return true;
  });
});

test('message too large: answered with id null, still given to the request it was', async (t) => {
  const aw = await open(t, { args: ['--max-message-bytes', '1024'] });
  const small = aw.run('echo', 'fits');
  await assert.rejects(aw.run('echo', 'x'.repeat(2000)), (error) => {
    assert.ok(error instanceof MessageTooLargeError);
    assert.equal(error.data.limit, 1024);
    assert.ok(error.data.size > 2000);
    return true;
  });
  assert.equal((await small).output, 'fits');
  assert.equal((await aw.run('echo', 'after')).output, 'after');
});

test('session busy and request cancelled are AgentWireErrors too', async (t) => {
  const aw = await open(t);
  const session = aw.session('echo-slow');
  const first = session.prompt(words(6));
  await waitFor('the session', () => session.sessionId !== null);
  await new Promise((resolve) => setTimeout(resolve, 50));
  await assert.rejects(session.prompt('again'), SessionBusyError);
  await first;
  const controller = new AbortController();
  const run = aw.run('echo-slow', words(20), { signal: controller.signal });
  setTimeout(() => controller.abort(), 100);
  await assert.rejects(run, (error) => error instanceof RequestCancelledError && error instanceof AgentWireError);
});

test('an error answer nobody waits for (a parse error) goes to the logger; the connection goes on', async (t) => {
  const warnings = [];
  const aw = await open(t, { logger: { warn: (message) => warnings.push(message) } });
  aw._child.stdin.write('this is not json\n');
  assert.equal((await aw.run('echo', 'still')).output, 'still');
  await waitFor('the warning', () => warnings.length > 0);
  assert.match(warnings[0], /-32700/);
});

test('a budget and an output schema: -32011 and -32012 from the binary, structuredOutput on success', async (t) => {
  const aw = await open(t);
  await assert.rejects(aw.run('echo', 'one two three', { budget: { maxOutputTokens: 2 } }), (error) => {
    assert.ok(error instanceof BudgetExceededError);
    assert.equal(error.data.limit, 'maxOutputTokens');
    assert.equal(error.data.partialOutput, 'one two ');
    assert.equal(error.data.retryable, false);
    return true;
  });
  const outputSchema = { type: 'object', required: ['name', 'age'] };
  const result = await aw.run('echo', '{"name": "Ada", "age": 36}', { outputSchema });
  assert.deepEqual(result.structuredOutput, { name: 'Ada', age: 36 });
  await assert.rejects(aw.run('echo', '{"name": "Ada"}', { outputSchema }), (error) => {
    assert.ok(error instanceof OutputMismatchError);
    assert.deepEqual(error.data.errors, [{ path: '$.age', message: 'required' }]);
    return true;
  });
});
