'use strict';
// The Node client as the extension loads it: lib/agentwire, the CommonJS translation of
// clients/node/src that scripts/vendor-client.js writes. Its own suite is clients/node/test; here,
// that the copy is current and complete, and what the extension relies on, against the real binary.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const vendor = require('../scripts/vendor-client');
const client = require('../lib/agentwire');
const { serviceOptions, waitFor, longInput } = require('./support');

const { connect, ConnectionError, NotFoundError, RequestCancelledError } = client;

test('lib/agentwire is the current translation of clients/node/src (node scripts/vendor-client.js --check)', () => {
  assert.deepEqual(vendor.check(), []);
});

test('the copy exports what the ES module package exports', async () => {
  const esm = await import(pathToFileURL(path.join(vendor.sourceDir, 'index.js')).href);
  assert.deepEqual(Object.keys(client).sort(), Object.keys(esm).sort());
  const manifest = JSON.parse(fs.readFileSync(path.join(vendor.sourceDir, '..', 'package.json'), 'utf8'));
  assert.equal(client.VERSION, manifest.version);
  assert.equal(client.VERSION, require('../package.json').version);
});

test('an import or export the translation does not know is an error, not a silent mistranslation', () => {
  assert.throws(() => vendor.toCommonJS("export default function f() {}\n", 'x.js'), /cannot translate "export default/);
  assert.throws(() => vendor.toCommonJS("const m = await import('./y.js');\n", 'x.js'), /cannot translate "import\(/);
  assert.equal(
    vendor.toCommonJS("import { a, b as c } from './y.js';\nexport class K {}\nexport { a };\n", 'x.js').split('\n').slice(4).join('\n'),
    "const { a, b: c } = require('./y.js');\nclass K {}\nexports.a = a;\n\nexports.K = K;\n",
  );
});

test('initialize, lists and a run with its notifications in order', async (t) => {
  const aw = await connect({ ...serviceOptions, clientInfo: { name: 'test', version: '0' } });
  t.after(() => aw.close());
  assert.equal(aw.protocolVersion, 'agentwire/1');
  const agents = await aw.agents();
  assert.ok(agents.some((agent) => agent.name === 'echo-slow'));
  const workflows = await aw.workflows();
  assert.deepEqual(workflows.map((w) => w.name).sort(), ['delegate', 'fanout', 'pipeline']);
  const seen = [];
  const answer = await aw.run('echo', 'hello brave new world', { onEvent: (event) => seen.push(event) });
  assert.equal(answer.output, 'hello brave new world');
  assert.equal(answer.stopReason, 'end_turn');
  assert.deepEqual(
    seen.map((event) => event.method),
    ['run/started', 'run/step', 'run/token', 'run/token', 'run/token', 'run/token', 'run/step'],
  );
  assert.equal(seen.filter((event) => event.method === 'run/token').map((event) => event.params.text).join(''), 'hello brave new world');
});

test('a cancel before run/started is $/cancelRequest (-32800); after it, run/cancel (the result)', async (t) => {
  const aw = await connect(serviceOptions);
  t.after(() => aw.close());
  const early = aw.stream('echo-slow', 'one two three four five six', { onEvent: () => {} });
  assert.equal(early.runId, null);
  early.cancel();
  const error = await early.result.then(() => null, (e) => e);
  assert.ok(error instanceof RequestCancelledError);
  assert.equal(error.code, -32800);
  assert.ok(!('result' in error));

  let tokens = 0;
  const late = aw.stream('echo-slow', longInput, {
    onEvent: (event) => {
      if (event.method === 'run/token') tokens++;
    },
  });
  await waitFor('a token', () => tokens >= 1);
  late.cancel();
  const cancelled = await late.result.then(() => null, (e) => e);
  assert.equal(cancelled.code, -32800);
  assert.equal(cancelled.result.stopReason, 'cancelled');
  assert.ok(cancelled.data.partialOutput.length > 0 && longInput.startsWith(cancelled.data.partialOutput));
});

test('an error answer rejects with the code and data; the client goes on', async (t) => {
  const aw = await connect(serviceOptions);
  t.after(() => aw.close());
  const error = await aw.run('nobody', 'hi').then(() => null, (e) => e);
  assert.ok(error instanceof NotFoundError);
  assert.equal(error.code, -32001);
  assert.ok(error.data.available.includes('echo'));
  assert.equal((await aw.run('echo', 'still')).output, 'still');
});

test('a missing executable fails connect; an exit fails what is pending, with the stderr tail', async () => {
  const missing = await connect({ ...serviceOptions, binary: '/nonexistent/agentwire' }).then(() => null, (e) => e);
  assert.ok(missing instanceof ConnectionError);
  assert.equal(missing.code, -32099);

  const stderr = [];
  const aw = await connect({ ...serviceOptions, logLevel: 'info', onStderr: (text) => stderr.push(text) });
  const pending = aw.run('echo-slow', 'a b c d e f g h');
  process.kill(aw.pid, 'SIGKILL');
  const lost = await pending.then(() => null, (e) => e);
  assert.ok(lost instanceof ConnectionError);
  assert.equal(lost.code, -32099);
  assert.match(lost.message, /was killed by SIGKILL/);
  assert.ok(lost.stderr.length > 0 && stderr.join('').endsWith(lost.stderr));
  const { signal } = await aw.exited;
  assert.equal(signal, 'SIGKILL');
  assert.equal(aw.running, false);
});

test('close() ends the process with status 0', async () => {
  const aw = await connect(serviceOptions);
  const { code } = await aw.close();
  assert.equal(code, 0);
  assert.equal(aw.running, false);
});
