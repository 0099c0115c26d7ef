// permission/request: a model (a fake OpenAI-compatible server) calls a tool whose permission is "ask".

import test from 'node:test';
import assert from 'node:assert/strict';
import { collect, fakeModel, forecasterConfig, open } from './support.js';

const ALLOWED = 'The tool said: forecast for Paris: sunny';
const REJECTED = 'The tool said: error: permission was not granted';

test('onPermission answers: allowed, the tool runs; the request names the tool, arguments, options', async (t) => {
  const model = await fakeModel();
  t.after(() => model.close());
  const asked = [];
  const aw = await open(t, {
    config: forecasterConfig(model.port),
    onPermission: async (request) => {
      asked.push(request);
      await new Promise((resolve) => setTimeout(resolve, 20));
      return 'allow_once';
    },
  });
  const { events, result } = await collect(aw.stream('forecaster', 'Weather in Paris?'));
  assert.equal(result.output, ALLOWED);
  assert.equal(asked.length, 1);
  const [request] = asked;
  assert.equal(request.runId, result.runId);
  assert.equal(request.agent, 'forecaster');
  assert.equal(request.tool, 'weather');
  assert.deepEqual(request.arguments, { city: 'Paris' });
  assert.deepEqual(request.options.map((option) => option.optionId), ['allow_once', 'allow_always', 'reject']);
  const tool = events.filter((event) => event.method === 'run/tool');
  assert.deepEqual(tool.map((event) => event.params.status), ['started', 'completed']);
  assert.equal(tool[1].params.output.trim(), 'forecast for Paris: sunny');
  // The tool result went back to the model.
  assert.equal(model.requests.at(-1).messages.find((message) => message.role === 'tool').content.trim(), 'forecast for Paris: sunny');
});

test('each form of answer: an option, {optionId}, true, false, a rejection, a throw, a name not offered', async (t) => {
  const model = await fakeModel();
  t.after(() => model.close());
  const warnings = [];
  const aw = await open(t, { config: forecasterConfig(model.port), logger: (message) => warnings.push(message) });
  const cases = [
    [(request) => request.options[0], ALLOWED],
    [() => ({ optionId: 'allow_once' }), ALLOWED],
    [() => true, ALLOWED],
    [() => 'reject', REJECTED],
    [() => false, REJECTED],
    [() => undefined, REJECTED],
    [async () => Promise.reject(new Error('no')), REJECTED],
    [() => 'allow_forever', REJECTED],
  ];
  for (const [handler, output] of cases) {
    aw.onPermission = handler;
    assert.equal((await aw.run('forecaster', 'Weather?')).output, output, String(handler));
  }
  assert.equal(warnings.length, 2, warnings.join('\n'));
  assert.match(warnings[0], /onPermission failed \(no\)/);
  assert.match(warnings[1], /allow_forever/);
});

test('allow_always is remembered by the server for the connection', async (t) => {
  const model = await fakeModel();
  t.after(() => model.close());
  let asked = 0;
  const aw = await open(t, {
    config: forecasterConfig(model.port),
    onPermission: () => {
      asked += 1;
      return 'allow_always';
    },
  });
  assert.equal((await aw.run('forecaster', 'one')).output, ALLOWED);
  assert.equal((await aw.run('forecaster', 'two')).output, ALLOWED);
  assert.equal(asked, 1);
});

test('without onPermission a call is rejected and the logger says so', async (t) => {
  const model = await fakeModel();
  t.after(() => model.close());
  const warnings = [];
  const aw = await open(t, { config: forecasterConfig(model.port), logger: { warn: (message) => warnings.push(message) } });
  assert.equal((await aw.run('forecaster', 'Weather?')).output, REJECTED);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /forecaster wants to run the tool weather; rejected, as no onPermission handler is set/);
});
