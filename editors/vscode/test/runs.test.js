'use strict';
// Runs and their transcripts against the real agentwire binary.

const test = require('node:test');
const assert = require('node:assert/strict');
const { connect } = require('../lib/agentwire');
const { RunManager, Transcript } = require('../src/runs');
const { binary, waitFor, longInput, fakeModel, forecasterConfig } = require('./support');

const lines = (...all) => all.map((line) => `${line}\n`).join('');

async function startManager(t, { args = [], askPermission } = {}) {
  const client = await connect({ binary, store: 'memory', logLevel: 'error', args, clientInfo: { name: 'test', version: '0' } });
  t.after(() => client.close());
  return new RunManager(client, { askPermission });
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

test('concurrent runs of one agent go out at once, each streaming into its own transcript', async (t) => {
  const manager = await startManager(t);
  const inputs = Array.from({ length: 8 }, (_, i) => `input ${i} of the same agent, streamed slowly`);
  const runs = inputs.map((input) => manager.start('agent', 'echo-slow', input));
  runs.push(manager.start('workflow', 'pipeline', 'in parallel'));
  // No run waits for another's run/started: every request is sent at once, and each run/started
  // finds its run by the requestId it carries.
  assert.equal(new Set(runs.map((run) => run.requestId)).size, runs.length);
  assert.ok(runs.every((run) => Number.isInteger(run.requestId)));
  const agentRuns = runs.filter((run) => run.kind === 'agent');
  await waitFor('every run/started', () => agentRuns.every((run) => run.runId));
  assert.ok(agentRuns.every((run) => !run.finished), 'the runs of echo-slow overlap');
  await Promise.all(runs.map((run) => run.done));
  for (const run of runs) {
    assert.equal(run.outcome, 'done');
    const streamed = run.transcript.text.split('\n')[run.kind === 'agent' ? 2 : 3];
    assert.equal(streamed, run.input);
    assert.equal(run.runId, run.result.runId);
  }
});

test('a permission/request is answered with the option chosen; dismissing rejects', async (t) => {
  const model = await fakeModel();
  t.after(() => model.close());
  const asked = [];
  let choose;
  const manager = await startManager(t, {
    args: ['--config', forecasterConfig(model.port)],
    askPermission: async (params, run) => {
      asked.push({ params, run });
      await new Promise((resolve) => setTimeout(resolve, 20));
      return choose(params.options);
    },
  });
  const runWith = async (answer) => {
    choose = answer;
    const run = manager.start('agent', 'forecaster', 'Weather in Paris?');
    await run.done;
    return run;
  };
  const allowed = await runWith((options) => options.find((option) => option.optionId === 'allow_once'));
  const rejected = await runWith((options) => options.find((option) => option.optionId === 'reject'));
  const byId = await runWith(() => 'reject');
  const dismissed = await runWith(() => undefined);
  assert.equal(asked.length, 4);
  assert.equal(asked[0].run, allowed);
  assert.equal(asked[0].params.tool, 'weather');
  assert.deepEqual(asked[0].params.arguments, { city: 'Paris' });
  assert.deepEqual(
    asked[0].params.options.map((option) => option.optionId),
    ['allow_once', 'allow_always', 'reject'],
  );
  assert.equal(allowed.outcome, 'done');
  assert.equal(
    allowed.transcript.text,
    lines(
      'agentwire forecaster',
      '[1] openai model call: started',
      '[1] permission weather: allow_once',
      'The tool said: forecast for Paris: sunny',
      '[1] openai model call: completed',
      '-- done --',
    ),
  );
  for (const run of [rejected, byId, dismissed]) {
    assert.equal(run.result.output, 'The tool said: error: permission was not granted');
    assert.match(run.transcript.text, /\n\[1\] permission weather: reject\n/);
  }

  // Two runs asking at once: one question at a time, each answer to its own question.
  let open = 0;
  let most = 0;
  let count = 0;
  manager.askPermission = async (params) => {
    open += 1;
    most = Math.max(most, open);
    count += 1;
    const answer = count === 1 ? 'allow_once' : undefined;
    await new Promise((resolve) => setTimeout(resolve, 100));
    open -= 1;
    return answer && params.options.find((option) => option.optionId === answer);
  };
  const both = [manager.start('agent', 'forecaster', 'Weather?'), manager.start('agent', 'forecaster', 'Weather?')];
  await Promise.all(both.map((run) => run.done));
  assert.equal(count, 2);
  assert.equal(most, 1);
  assert.deepEqual(both.map((run) => run.result.output).sort(), [
    'The tool said: error: permission was not granted',
    'The tool said: forecast for Paris: sunny',
  ]);
});

test('without askPermission, a tool that asks is rejected', async (t) => {
  const model = await fakeModel();
  t.after(() => model.close());
  const manager = await startManager(t, { args: ['--config', forecasterConfig(model.port)] });
  const run = manager.start('agent', 'forecaster', 'Weather in Paris?');
  await run.done;
  assert.equal(run.result.output, 'The tool said: error: permission was not granted');
});

test('an unknown agent ends with the error', async (t) => {
  const manager = await startManager(t);
  const run = manager.start('agent', 'nobody', 'hi');
  await run.done;
  assert.equal(run.outcome, 'error');
  assert.match(run.transcript.text, /^agentwire nobody\n-- error: .*\(-32001\) --\n$/);
});
