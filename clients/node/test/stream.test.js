// Runs streamed from the real binary: events in order, exact tokens, many streams at once.

import test from 'node:test';
import assert from 'node:assert/strict';
import { RunStream } from '../src/index.js';
import { collect, open, waitFor, words } from './support.js';

test('a stream yields the run\'s notifications in order, then its result', async (t) => {
  const aw = await open(t);
  const stream = aw.stream('echo', 'hello brave new world');
  assert.ok(stream instanceof RunStream);
  assert.equal(typeof stream.requestId, 'number');
  const { events, result, text } = await collect(stream);
  assert.deepEqual(
    events.map((event) => event.method),
    ['run/started', 'run/step', 'run/token', 'run/token', 'run/token', 'run/token', 'run/step'],
  );
  assert.equal(events[0].params.requestId, stream.requestId);
  assert.equal(stream.runId, events[0].params.runId);
  assert.ok(events.every((event) => event.jsonrpc === '2.0' && event.params.runId === stream.runId));
  const seqs = events.map((event) => event.params.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
  assert.deepEqual(
    events.filter((event) => event.method === 'run/token').map((event) => event.params.text),
    ['hello ', 'brave ', 'new ', 'world'],
  );
  assert.equal(text, 'hello brave new world');
  assert.equal(result.output, 'hello brave new world');
  assert.equal(result.stopReason, 'end_turn');
  assert.equal(result.usage.outputTokens, 4);
  assert.deepEqual(await stream.result, result);
});

test('tokens concatenate to the input exactly, for any text, with and without coalescing', async (t) => {
  const aw = await open(t);
  const input = `${words(2000)} héllo ✓ "quoted" back\\slash 😀 tab\tand\nnewline ${'long'.repeat(50)} end`;
  for (const stream of [undefined, { tokenCoalesceMs: 5 }]) {
    const { events, result, text } = await collect(aw.stream('echo', input, { stream }));
    assert.equal(text, input);
    assert.equal(result.output, input);
    const tokens = events.filter((event) => event.method === 'run/token');
    if (stream) assert.ok(tokens.length < result.usage.outputTokens, `${tokens.length} coalesced tokens`);
    else assert.equal(tokens.length, result.usage.outputTokens);
  }
});

test('ten streams at once on one process, each routed to its own iterator', async (t) => {
  const aw = await open(t);
  const inputs = Array.from({ length: 10 }, (_, i) => words(40 + i * 7, `s${i}w`));
  // Half of them on the slow agent, so the runs overlap; all consumed concurrently.
  const streams = inputs.map((input, i) => aw.stream(i % 2 ? 'echo-slow' : 'echo', input));
  assert.equal(new Set(streams.map((stream) => stream.requestId)).size, 10);
  const collected = await Promise.all(streams.map(collect));
  for (let i = 0; i < 10; i++) {
    assert.equal(collected[i].text, inputs[i]);
    assert.equal(collected[i].result.output, inputs[i]);
    assert.ok(collected[i].events.every((event) => event.params.runId === streams[i].runId));
  }
  assert.equal(new Set(streams.map((stream) => stream.runId)).size, 10);
});

test('a stream not read yet keeps its events until it is read', async (t) => {
  const aw = await open(t);
  const later = aw.stream('echo', words(3000));
  const first = await collect(aw.stream('echo', 'first'));
  assert.equal(first.text, 'first');
  await later.result; // ended while nobody was reading it
  const { text, result } = await collect(later);
  assert.equal(text, words(3000));
  assert.equal(result.output, words(3000));
});

test('a stream nobody reads pauses reading past highWaterMark, and resumes for anyone who waits', async (t) => {
  const aw = await open(t, { highWaterMark: 200 });
  const input = words(20000);
  const unread = aw.stream('echo', input);
  await waitFor('reading to pause', () => aw._paused);
  assert.ok(aw._buffered > 200);
  // A request waits for input: reading resumes (no deadlock), the unread stream buffers further.
  assert.deepEqual(await aw.request('ping'), {});
  const { text } = await collect(unread);
  assert.equal(text, input);
  assert.equal(aw._buffered, 0);
});

test('run, workflow, streamWorkflow, streamRequest, agents and workflows', async (t) => {
  const aw = await open(t);
  const seen = [];
  const result = await aw.run('echo', 'to the end', { onEvent: (event) => seen.push(event.method) });
  assert.equal(result.output, 'to the end');
  assert.equal(seen[0], 'run/started');
  assert.equal(seen.filter((method) => method === 'run/token').length, 3);

  const agents = await aw.agents();
  assert.ok(agents.some((agent) => agent.name === 'echo-slow'));
  const workflows = await aw.workflows();
  assert.deepEqual(workflows.map((workflow) => workflow.name).sort(), ['delegate', 'fanout', 'pipeline']);

  const pipeline = await aw.workflow('pipeline', 'hello world');
  assert.equal(pipeline.output, 'reviewed: hello world');
  assert.equal(pipeline.strategy, 'sequential');

  const { events, result: streamed } = await collect(aw.streamWorkflow('pipeline', 'hello world'));
  assert.equal(streamed.output, 'reviewed: hello world');
  assert.deepEqual(
    events.filter((event) => event.method === 'run/step' && event.params.status === 'started').map((event) => event.params.stepId),
    ['1', '1.1', '1.2'],
  );

  const parallel = await collect(
    aw.streamRequest('coordinator/parallel', { tasks: [{ agent: 'echo' }, { agent: 'echo-thinking', input: 'second: {{input}}' }], input: 'ship it', aggregate: 'list' }),
  );
  assert.equal(parallel.result.output, '1. ship it\n2. second: ship it');
  assert.ok(parallel.events.some((event) => event.method === 'run/thinking'));
  assert.ok(parallel.events.some((event) => event.method === 'run/progress'));

  assert.deepEqual(await aw.request('ping'), {});
  const status = await aw.request('run/status', { runId: result.runId });
  assert.equal(status.status, 'completed');
});

test('a session keeps its history; a second prompt in flight is SessionBusyError', async (t) => {
  const aw = await open(t);
  const session = aw.session('echo-history');
  const first = await session.prompt('one');
  assert.equal(typeof session.sessionId, 'string');
  const second = await session.prompt('two');
  assert.notEqual(first.output, second.output);
  assert.match(second.output, /one/);
  const { text } = await collect(session.stream('three'));
  assert.match(text, /two/);
  assert.deepEqual(await session.close(), { closed: true });

  // Resume by id in a new Session object.
  const slow = aw.session('echo-slow');
  const sessionId = await slow.open();
  const resumed = aw.session('echo-slow', { sessionId });
  const running = resumed.prompt(words(10));
  await new Promise((resolve) => setTimeout(resolve, 100));
  await assert.rejects(slow.prompt('again'), (error) => error.name === 'SessionBusyError' && error.code === -32004 && error.data.sessionId === sessionId);
  assert.equal((await running).output, words(10));
});

test('the notification event sees every notification', async (t) => {
  const aw = await open(t);
  const methods = [];
  const listener = (message) => methods.push(message.method);
  aw.on('notification', listener);
  await aw.run('echo', 'a b');
  aw.off('notification', listener);
  await aw.run('echo', 'c d');
  assert.deepEqual(methods, ['run/started', 'run/step', 'run/token', 'run/token', 'run/step']);
});

test('onEvent gets the events as they are read; a throw in it cancels the run and rejects with it', async (t) => {
  const aw = await open(t);
  const seen = [];
  const stream = aw.stream('echo', 'a b c', { onEvent: (event) => seen.push(event.method) });
  const iterated = [];
  for await (const event of stream) iterated.push(event.method);
  assert.deepEqual(iterated, ['result'], 'the iterator yields only the result');
  assert.deepEqual(seen, ['run/started', 'run/step', 'run/token', 'run/token', 'run/token', 'run/step']);

  const failing = aw.run('echo-slow', words(40), {
    onEvent: (event) => {
      if (event.method === 'run/token') throw new Error('listener failed');
    },
  });
  await assert.rejects(failing, /listener failed/);
  const { runs } = await aw.request('run/list', { agent: 'echo-slow', limit: 1 });
  assert.equal(runs[0].status, 'cancelled');
});

test('next() called many times at once answers each in order', async (t) => {
  const aw = await open(t);
  const stream = aw.stream('echo-slow', 'a b c');
  const results = await Promise.all(Array.from({ length: 10 }, () => stream.next()));
  assert.deepEqual(
    results.map((result) => (result.done ? 'done' : result.value.method)),
    ['run/started', 'run/step', 'run/token', 'run/token', 'run/token', 'run/step', 'result', 'done', 'done', 'done'],
  );
});
