// The process: started, closed cleanly (no zombie), killed mid-stream, missing, failing at start.

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AgentWire, connect, ConnectionError } from '../src/index.js';
import { binary, open, processExists, processState, silent, waitFor, words } from './support.js';

test('close() sends shutdown and exit, the process ends with status 0 and is reaped', async () => {
  const aw = await connect({ binary, logLevel: 'error', logger: silent });
  assert.ok(aw instanceof AgentWire);
  assert.equal(aw.running, true);
  assert.deepEqual(aw.args.slice(0, 3), ['serve', '--store', 'memory']);
  assert.equal(aw.serverInfo.name, 'agentwire');
  assert.equal(aw.protocolVersion, 'agentwire/1');
  assert.equal(aw.capabilities.framing, 'ndjson');
  const { pid } = aw;
  assert.equal(processExists(pid), true);
  const exits = [];
  aw.on('exit', (code, signal) => exits.push([code, signal]));
  const status = await aw.close();
  assert.deepEqual(status, { code: 0, signal: null });
  assert.deepEqual(exits, [[0, null]]);
  assert.equal(aw.running, false);
  assert.deepEqual(await aw.close(), { code: 0, signal: null }, 'closing again is harmless');
  // No zombie: the child is gone from the process table, not left as <defunct>.
  await waitFor('the process to be reaped', () => processState(pid) === null, 2000);
  assert.equal(processExists(pid), false);
  await assert.rejects(aw.run('echo', 'late'), (error) => error instanceof ConnectionError && /closed/.test(error.message));
});

test('the process killed mid-stream: the stream and pending requests fail with the stderr tail', async () => {
  const stderr = [];
  const aw = await connect({ binary, logLevel: 'info', logger: silent, stderrTailBytes: 300, onStderr: (text) => stderr.push(text) });
  const stream = aw.stream('echo-slow', words(60));
  const pending = aw.run('echo-slow', words(60));
  let tokens = 0;
  const error = await (async () => {
    for await (const event of stream) {
      if (event.method === 'run/token' && ++tokens === 2) process.kill(aw.pid, 'SIGKILL');
    }
    return null;
  })().catch((caught) => caught);
  assert.ok(error instanceof ConnectionError, String(error));
  assert.equal(error.code, -32099);
  assert.equal(error.signal, 'SIGKILL');
  assert.equal(error.exitCode, null);
  assert.match(error.message, /agentwire \(pid \d+\) was killed by SIGKILL; the end of its stderr:\n/);
  assert.ok(error.stderr.length > 0 && error.stderr.length <= 300, `${error.stderr.length} characters kept`);
  assert.equal(error.stderr, aw.stderrTail);
  assert.ok(stderr.join('').endsWith(error.stderr), 'the tail is the end of what was written');
  assert.match(error.stderr, /info agentwire/);
  assert.ok(error.message.endsWith(error.stderr.trimEnd()));
  await assert.rejects(pending, (lost) => lost === error);
  await assert.rejects(aw.request('ping'), ConnectionError);
  assert.deepEqual(await aw.exited, { code: null, signal: 'SIGKILL' });
  assert.deepEqual(await aw.close(), { code: null, signal: 'SIGKILL' });
});

test('a missing executable: connect rejects with ConnectionError', async () => {
  await assert.rejects(connect({ binary: '/nonexistent/agentwire', logger: silent }), (error) => {
    assert.ok(error instanceof ConnectionError);
    assert.match(error.message, /could not be started \(\/nonexistent\/agentwire\): spawn \/nonexistent\/agentwire ENOENT/);
    assert.equal(error.cause.code, 'ENOENT');
    return true;
  });
});

test('a process that fails at start: connect rejects with its exit status and what it said', async () => {
  await assert.rejects(connect({ binary, config: '/nonexistent/agentwire.json', logger: silent }), (error) => {
    assert.ok(error instanceof ConnectionError);
    assert.notEqual(error.exitCode, 0);
    assert.match(error.stderr, /nonexistent/);
    return true;
  });
});

test('options: env, cwd, store null, args', async (t) => {
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'agentwire-node-state-'));
  t.after(() => fs.rmSync(state, { recursive: true, force: true }));
  const aw = await open(t, { store: null, args: ['--retain-days', '0'], env: { XDG_STATE_HOME: state }, cwd: '/' });
  assert.deepEqual(aw.args, ['serve', '--log-level', 'error', '--retain-days', '0']);
  assert.equal((await aw.run('echo', 'ok')).output, 'ok');
  const status = await aw.close();
  assert.equal(status.code, 0);
  // Without --store the runs went to the default file under the $XDG_STATE_HOME given in env.
  assert.ok(fs.existsSync(path.join(state, 'agentwire', 'agentwire.sqlite')));
});

test('an idle client does not keep Node running; its process then ends on end of input', async () => {
  const script = `
    import { connect } from ${JSON.stringify(new URL('../src/index.js', import.meta.url).href)};
    const aw = await connect({ binary: ${JSON.stringify(binary)}, logLevel: 'error' });
    const { output } = await aw.run('echo', 'done');
    console.log(aw.pid, output);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
  });
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(code, 0);
  const [pid, output] = out.trim().split(' ');
  assert.equal(output, 'done');
  await waitFor('agentwire to end after its client', () => !processExists(Number(pid)), 5000);
});
