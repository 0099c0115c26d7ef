'use strict';
// The JSON-RPC client against the real agentwire binary.

const test = require('node:test');
const assert = require('node:assert/strict');
const { AgentWireClient, FrameReader, frame, RpcError } = require('../src/client');
const { binary, serviceArgs, waitFor } = require('./support');

function startClient() {
  return new AgentWireClient({ command: binary, args: serviceArgs }).start();
}

test('frames split anywhere, even one byte at a time, come out whole', () => {
  const messages = [
    { jsonrpc: '2.0', method: 'run/token', params: { text: 'héllo ✓ ' } },
    { jsonrpc: '2.0', id: 1, result: { output: 'x'.repeat(3000) } },
  ];
  const bytes = Buffer.concat(messages.map(frame));
  const reader = new FrameReader();
  const read = [];
  for (let i = 0; i < bytes.length; i++) read.push(...reader.push(bytes.subarray(i, i + 1)));
  assert.deepEqual(read, messages);
  assert.deepEqual(new FrameReader().push(bytes), messages);
});

test('requests of the service get their handler\'s answer, or -32601', async () => {
  const client = new AgentWireClient({ command: binary });
  const sent = [];
  client.send = (message) => sent.push(message);
  client.onRequest('permission/request', async (params) => ({ optionId: params.options[0].optionId }));
  client.onRequest('fails', () => {
    throw Object.assign(new Error('no way'), { code: -32000 });
  });
  client.receive({ jsonrpc: '2.0', id: 'permission-1', method: 'permission/request', params: { options: [{ optionId: 'allow_once' }] } });
  client.receive({ jsonrpc: '2.0', id: 'x-2', method: 'something/else' });
  client.receive({ jsonrpc: '2.0', id: 3, method: 'fails' });
  await waitFor('three answers', () => sent.length === 3);
  const byId = new Map(sent.map((message) => [message.id, message]));
  assert.deepEqual(byId.get('permission-1'), { jsonrpc: '2.0', id: 'permission-1', result: { optionId: 'allow_once' } });
  assert.equal(byId.get('x-2').error.code, -32601);
  assert.deepEqual(byId.get(3).error, { code: -32000, message: 'no way' });
});

test('initialize, lists and a run with its notifications in order', async (t) => {
  const client = startClient();
  t.after(() => client.shutdown());
  const init = await client.initialize({ name: 'test', version: '0' });
  assert.equal(init.protocolVersion, 'agentwire/1');
  const { agents } = await client.request('agents/list').result;
  assert.ok(agents.some((agent) => agent.name === 'echo-slow'));
  const { workflows } = await client.request('workflows/list').result;
  assert.deepEqual(workflows.map((w) => w.name).sort(), ['delegate', 'fanout', 'pipeline']);

  const seen = [];
  client.on('notification', (method, params) => seen.push([method, params]));
  const answer = await client.request('agent/run', { agent: 'echo', input: 'hello brave new world' }).result;
  assert.equal(answer.output, 'hello brave new world');
  assert.equal(answer.stopReason, 'end_turn');
  const mine = seen.filter(([, params]) => params.runId === answer.runId);
  assert.deepEqual(
    mine.map(([method]) => method),
    ['run/started', 'run/step', 'run/token', 'run/token', 'run/token', 'run/token', 'run/step'],
  );
  assert.equal(mine.filter(([m]) => m === 'run/token').map(([, p]) => p.text).join(''), 'hello brave new world');
});

test('$/cancelRequest answers the run with -32800 and the partial output', async (t) => {
  const client = startClient();
  t.after(() => client.shutdown());
  let tokens = 0;
  client.on('notification', (method) => {
    if (method === 'run/token') tokens++;
  });
  const { id, result } = client.request('agent/run', { agent: 'echo-slow', input: 'one two three four five six' });
  await waitFor('a token', () => tokens >= 1);
  client.notify('$/cancelRequest', { id });
  const error = await result.then(() => null, (e) => e);
  assert.ok(error instanceof RpcError);
  assert.equal(error.code, -32800);
  assert.ok(error.data.partialOutput.length > 0 && 'one two three four five six'.startsWith(error.data.partialOutput));
});

test('an error answer rejects with the code and data; the client goes on', async (t) => {
  const client = startClient();
  t.after(() => client.shutdown());
  const error = await client.request('agent/run', { agent: 'nobody', input: 'hi' }).result.then(() => null, (e) => e);
  assert.equal(error.code, -32001);
  assert.ok(error.data.available.includes('echo'));
  assert.equal((await client.request('agent/run', { agent: 'echo', input: 'still' }).result).output, 'still');
});

test('a missing executable or an exit fails the pending requests', async (t) => {
  const missing = new AgentWireClient({ command: '/nonexistent/agentwire' }).start();
  const error = await missing.request('ping').result.then(() => null, (e) => e);
  assert.equal(error.code, -32099);
  assert.equal(missing.running, false);

  const client = startClient();
  const pending = client.request('agent/run', { agent: 'echo-slow', input: 'a b c d e f g h' }).result;
  client.process.kill('SIGKILL');
  const lost = await pending.then(() => null, (e) => e);
  assert.equal(lost.code, -32099);
  assert.match(lost.message, /agentwire exited/);
  const { signal } = await client.exited;
  assert.equal(signal, 'SIGKILL');
  t.after(() => client.shutdown());
});

test('shutdown ends the process with status 0', async () => {
  const client = startClient();
  await client.initialize({ name: 'test', version: '0' });
  const { code } = await client.shutdown();
  assert.equal(code, 0);
  assert.equal(client.running, false);
});
