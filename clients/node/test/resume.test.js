// resume(): a cancelled run done again as a new run, to its end or detached.

import test from 'node:test';
import assert from 'node:assert/strict';
import { open, words } from './support.js';

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The id of an `echo-slow` run on `input`, cancelled and recorded so. */
async function cancelledRun(aw, input) {
  const { runId } = await aw.request('agent/start', { agent: 'echo-slow', input });
  await aw.cancel(runId);
  while ((await aw.request('run/status', { runId })).status === 'running') await pause(20);
  return runId;
}

test('resume runs a cancelled run again to its end, and detached answers with the new run\'s id', async (t) => {
  const aw = await open(t);
  const input = words(10);

  const original = await cancelledRun(aw, input);
  const result = await aw.resume(original);
  assert.equal(result.output, input);
  assert.notEqual(result.runId, original);

  const again = await cancelledRun(aw, input);
  const started = await aw.resume(again, { detach: true });
  assert.deepEqual(Object.keys(started), ['runId']);
  assert.notEqual(started.runId, again);
  let details = await aw.request('run/get', { runId: started.runId });
  while (details.status === 'running') {
    await pause(20);
    details = await aw.request('run/get', { runId: started.runId });
  }
  assert.equal(details.status, 'completed');
  assert.equal(details.resumedFrom, again);
  assert.equal(details.output, input);
});
