'use strict';
// Runs and their transcripts against the real agentwire binary.

const test = require('node:test');
const assert = require('node:assert/strict');
const { AgentWireClient } = require('../src/client');
const { RunManager, Transcript } = require('../src/runs');
const { binary, serviceArgs, waitFor, longInput } = require('./support');

const lines = (...all) => all.map((line) => `${line}\n`).join('');

async function startManager(t) {
  const client = new AgentWireClient({ command: binary, args: serviceArgs }).start();
  t.after(() => client.shutdown());
  await client.initialize({ name: 'test', version: '0' });
  return new RunManager(client);
}

test('tokens of different steps do not share a line', () => {
  const out = [];
  const transcript = new Transcript('agentwire workflow fanout', (text) => out.push(text));
  transcript.token('1.1', 'ship ');
  transcript.token('1.2', 'second: ');
  transcript.token('1.1', 'it');
  transcript.thinking({ stepId: '1.2', text: 'hm' });
  transcript.finish('done', '1. ship it');
  assert.equal(
    transcript.text,
    lines('agentwire workflow fanout', 'ship ', 'second: ', 'it', '[1.2] thinking: hm', '-- output --', '1. ship it', '-- done --'),
  );
  assert.equal(out.join(''), transcript.text);
});

test('an agent run streams its transcript', async (t) => {
  const manager = await startManager(t);
  const chunks = [];
  const run = manager.start('agent', 'echo', 'hello brave new world', (text) => chunks.push(text));
  await run.done;
  assert.equal(run.outcome, 'done');
  const expected = lines(
    'agentwire echo',
    '[1] echo model call: started',
    'hello brave new world',
    '[1] echo model call: completed',
    '-- done --',
  );
  assert.equal(run.transcript.text, expected);
  assert.equal(chunks.join(''), expected);
  assert.ok(chunks.includes('hello ') && chunks.includes('world'), 'tokens reach the sink one by one');
  assert.equal(manager.status(), '');
});

test('a workflow run shows its steps and output', async (t) => {
  const manager = await startManager(t);
  const run = manager.start('workflow', 'pipeline', 'hello world');
  await run.done;
  assert.equal(run.outcome, 'done');
  assert.equal(
    run.transcript.text,
    lines(
      'agentwire workflow pipeline',
      '[1] sequential workflow pipeline: started',
      '[1.1] echo model call: started',
      'hello world',
      '[1.1] echo model call: completed',
      '[1.2] echo model call: started',
      'reviewed: hello world',
      '[1.2] echo model call: completed',
      '[1] sequential workflow pipeline: completed',
      '-- output --',
      'reviewed: hello world',
      '-- done --',
    ),
  );
});

test('cancelling a streaming run keeps its partial output', async (t) => {
  const manager = await startManager(t);
  const run = manager.start('agent', 'echo-slow', longInput);
  await waitFor('two tokens', () => run.tokens >= 2);
  assert.equal(run.finished, false);
  assert.match(run.transcript.text, /\nw1 w2 /);
  assert.match(manager.status(), /^agentwire echo-slow \d+ tokens$/);
  assert.equal(manager.cancel(), true);
  assert.match(manager.status(), / cancelling$/);
  await run.done;
  assert.equal(run.outcome, 'cancelled');
  const [title, started, partial, cancelled, closing, end] = run.transcript.text.split('\n');
  assert.equal(title, 'agentwire echo-slow');
  assert.equal(started, '[1] echo model call: started');
  assert.ok(partial.length > 0 && partial.length < longInput.length && longInput.startsWith(partial), partial);
  assert.equal(partial, run.result.output);
  assert.equal(cancelled, '[1] echo model call: cancelled');
  assert.equal(closing, '-- cancelled --');
  assert.equal(end, '');
  assert.equal(manager.cancel(run), false, 'a finished run is not cancelled again');
});

test('a cancel before run/started goes out as $/cancelRequest', async (t) => {
  const manager = await startManager(t);
  const run = manager.start('agent', 'echo-slow', 'one two three four five six seven eight nine ten');
  assert.equal(run.runId, null);
  manager.cancel(run);
  await run.done;
  assert.equal(run.outcome, 'cancelled');
  assert.equal(run.error.code, -32800);
  assert.ok(run.transcript.text.startsWith('agentwire echo-slow\n'));
  assert.ok(run.transcript.text.endsWith('\n-- cancelled --\n'));
  assert.ok(!run.transcript.text.includes('ten'));
  const next = manager.start('agent', 'echo', 'still here');
  await next.done;
  assert.match(next.transcript.text, /\nstill here\n/);
});

test('concurrent runs of one agent each stream into their own transcript', async (t) => {
  const manager = await startManager(t);
  const inputs = Array.from({ length: 8 }, (_, i) => `input ${i} of the same agent`);
  const runs = inputs.map((input) => manager.start('agent', 'echo', input));
  runs.push(manager.start('workflow', 'pipeline', 'in parallel'));
  await Promise.all(runs.map((run) => run.done));
  for (const run of runs) {
    assert.equal(run.outcome, 'done');
    const streamed = run.transcript.text.split('\n')[run.kind === 'agent' ? 2 : 3];
    assert.equal(streamed, run.input);
    assert.equal(run.runId, run.result.runId);
  }
});

test('an unknown agent ends with the error', async (t) => {
  const manager = await startManager(t);
  const run = manager.start('agent', 'nobody', 'hi');
  await run.done;
  assert.equal(run.outcome, 'error');
  assert.match(run.transcript.text, /^agentwire nobody\n-- error: .*\(-32001\) --\n$/);
});
