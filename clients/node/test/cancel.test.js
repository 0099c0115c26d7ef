// Cancelling: an AbortSignal, cancel(), leaving the loop; the run store shows the run cancelled.

import test from 'node:test';
import assert from 'node:assert/strict';
import { AgentWireError, RequestCancelledError } from '../src/index.js';
import { open, waitFor, words } from './support.js';

const input = words(60); // three seconds on echo-slow

test('aborting the signal cancels the run: the step\'s end is still delivered, then RequestCancelledError', async (t) => {
  const aw = await open(t);
  const controller = new AbortController();
  const stream = aw.stream('echo-slow', input, { signal: controller.signal });
  const seen = [];
  let text = '';
  const error = await (async () => {
    for await (const event of stream) {
      seen.push(event);
      if (event.method === 'run/token') {
        text += event.params.text;
        if (event.params.seq === 4) controller.abort();
      }
    }
    return null;
  })().catch((caught) => caught);
  assert.ok(error instanceof RequestCancelledError, String(error));
  assert.ok(error instanceof AgentWireError);
  assert.equal(error.code, -32800);
  assert.equal(error.data.runId, stream.runId);
  assert.ok(error.data.partialOutput.length > 0 && input.startsWith(error.data.partialOutput));
  assert.equal(text, error.data.partialOutput, 'what was delivered is the partial output');
  assert.equal(error.result.stopReason, 'cancelled');
  assert.equal(error.cause.name, 'AbortError');
  const last = seen.at(-1);
  assert.equal(last.method, 'run/step');
  assert.equal(last.params.status, 'cancelled');
  await assert.rejects(stream.result, RequestCancelledError);
  const stored = await aw.request('run/get', { runId: stream.runId });
  assert.equal(stored.status, 'cancelled');
  assert.equal(stored.output, error.data.partialOutput);
});

test('breaking out of for await cancels the run and waits for it: run/get shows it cancelled', async (t) => {
  const aw = await open(t);
  const stream = aw.stream('echo-slow', input);
  let tokens = 0;
  for await (const event of stream) {
    if (event.method === 'run/token' && ++tokens === 3) break;
  }
  const stored = await aw.request('run/get', { runId: stream.runId });
  assert.equal(stored.status, 'cancelled');
  assert.ok(input.startsWith(stored.output) && stored.output.length < input.length);
  // A throw out of the loop does the same.
  const thrown = aw.stream('echo-slow', input);
  await assert.rejects(
    (async () => {
      for await (const event of thrown) if (event.method === 'run/token') throw new Error('enough');
    })(),
    /enough/,
  );
  assert.equal((await aw.request('run/status', { runId: thrown.runId })).status, 'cancelled');
});

test('a cancel before run/started goes out as $/cancelRequest; a signal aborted before sends nothing', async (t) => {
  const aw = await open(t);
  const controller = new AbortController();
  const stream = aw.stream('echo-slow', input, { signal: controller.signal });
  assert.equal(stream.runId, null);
  controller.abort(new Error('changed my mind'));
  const error = await stream.result.catch((caught) => caught);
  assert.ok(error instanceof RequestCancelledError);
  assert.equal(error.code, -32800);
  assert.equal(error.cause.message, 'changed my mind');
  assert.ok(!('result' in error), 'answered with -32800, not a result');
  if (error.data.runId) assert.equal((await aw.request('run/status', { runId: error.data.runId })).status, 'cancelled');

  const before = await aw.request('run/list', {});
  const aborted = AbortSignal.abort();
  await assert.rejects(aw.run('echo', 'never', { signal: aborted }), RequestCancelledError);
  const iterate = async () => {
    for await (const event of aw.stream('echo', 'never', { signal: aborted })) assert.fail(`got ${event.method}`);
  };
  await assert.rejects(iterate(), RequestCancelledError);
  const after = await aw.request('run/list', {});
  assert.equal(after.runs.length, before.runs.length, 'no run was started');
});

test('stream.cancel() and run() with a signal; the connection goes on', async (t) => {
  const aw = await open(t);
  const stream = aw.stream('echo-slow', input);
  await waitFor('run/started', () => stream.runId !== null);
  await stream.cancel();
  await assert.rejects(stream.result, RequestCancelledError);
  assert.equal((await aw.request('run/status', { runId: stream.runId })).status, 'cancelled');

  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  const error = await aw.run('echo-slow', input, { signal: controller.signal }).catch((caught) => caught);
  assert.ok(error instanceof RequestCancelledError);
  assert.ok(input.startsWith(error.data.partialOutput));

  // A request's own signal: $/cancelRequest and an immediate rejection.
  const requestController = new AbortController();
  const follow = aw.request('run/events', { runId: error.data.runId, afterSeq: 0, follow: true }, { signal: requestController.signal });
  requestController.abort();
  await assert.rejects(follow, RequestCancelledError);
  assert.equal((await aw.run('echo', 'still here')).output, 'still here');
});
