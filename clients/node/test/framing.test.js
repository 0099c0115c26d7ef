// Framing and the token fast path, without a process: whatever the chunking, every line comes out
// parsed exactly as JSON.parse parses it.

import test from 'node:test';
import assert from 'node:assert/strict';
import { Framer, MessageParser } from '../src/framing.js';

function frameAll(chunks) {
  const messages = [];
  const bad = [];
  const framer = new Framer((message) => messages.push(message), (line, error) => bad.push([line, error]));
  for (const chunk of chunks) framer.push(chunk);
  return { messages, bad, rest: framer.rest() };
}

function token(runId, seq, text, { agent = 'echo', stepId = '1', method = 'run/token' } = {}) {
  return { jsonrpc: '2.0', method, params: { runId, seq, agent, stepId, text } };
}

/** A deterministic pseudo-random generator. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const samples = [
  'hello ',
  'héllo ',
  '✓ ',
  '😀',
  '"quoted" ',
  'back\\slash ',
  'line\nbreak',
  'tab\there',
  '\u0000nul',
  '\u2028sep',
  '',
  'a much longer token than thirteen characters ',
  'x'.repeat(5000),
  '}}"',
  '\\',
  '\\"}}',
];

test('every message comes out whole whatever the chunking, even one byte at a time', () => {
  const messages = [
    { jsonrpc: '2.0', method: 'run/started', params: { runId: 'run_1', seq: 1, agent: 'echo', requestId: 1 } },
    ...samples.map((text, i) => token('run_1', i + 2, text)),
    token('run_1', 99, 'thinking ✓', { method: 'run/thinking' }),
    { jsonrpc: '2.0', id: 1, result: { output: 'é'.repeat(70000) } },
  ];
  const bytes = Buffer.from(messages.map((message) => `${JSON.stringify(message)}\n`).join(''), 'utf8');
  assert.deepEqual(frameAll([bytes]).messages, messages);
  const oneByOne = [];
  for (let i = 0; i < bytes.length; i++) oneByOne.push(bytes.subarray(i, i + 1));
  assert.deepEqual(frameAll(oneByOne).messages, messages);
  const next = random(7);
  for (let round = 0; round < 20; round++) {
    const chunks = [];
    for (let at = 0; at < bytes.length; ) {
      const size = 1 + Math.floor(next() * 300);
      chunks.push(bytes.subarray(at, at + size));
      at += size;
    }
    assert.deepEqual(frameAll(chunks).messages, messages, `round ${round}`);
  }
});

test('the fast path builds exactly what JSON.parse builds, for any text and interleaving', () => {
  const next = random(42);
  const alphabet = ['a', 'b', ' ', 'é', '✓', '😀', '"', '\\', '\n', '\t', '\u0001', '}', '{', ':', ',', '/', 'u', '0'];
  const lines = [];
  for (let i = 0; i < 5000; i++) {
    const length = Math.floor(next() * (next() < 0.1 ? 40 : 8));
    let text = '';
    for (let k = 0; k < length; k++) text += alphabet[Math.floor(next() * (next() < 0.7 ? 3 : alphabet.length))];
    const runId = `run_${Math.floor(next() * 3)}${next() < 0.05 ? 'ffffffffffffffff' : ''}`;
    const agent = next() < 0.5 ? 'echo' : 'echo-thinking-long-name';
    const stepId = next() < 0.7 ? '1' : '1.2';
    const method = next() < 0.9 ? 'run/token' : 'run/thinking';
    lines.push(JSON.stringify(token(runId, 1 + Math.floor(next() * 1e6), text, { agent, stepId, method })));
  }
  // Lines close to the layout that must not be taken by it.
  lines.push('{"jsonrpc":"2.0","method":"run/token","params":{"runId":"run_0","seq":3,"agent":"echo","stepId":"1","text":"a","extra":"b"}}');
  lines.push('{"jsonrpc":"2.0","method":"run/token","params":{"runId":"run_0","seq":3,"agent":"echo","stepId":"1","text":"a"},"x":1}');
  lines.push('{"jsonrpc":"2.0","method":"run/token","params":{"runId":"run_0","seq":3.5,"agent":"echo","stepId":"1","text":"a"}}');
  lines.push('{"jsonrpc":"2.0","method":"run/token","params":{"runId":"run_0","seq":1e3,"agent":"echo","stepId":"1","text":"a"}}');
  lines.push('{"jsonrpc":"2.0","method":"run/token","params":{"runId":"run_0","seq":3,"agent":"echo","stepId":"1","text":"a\\u0041"}}');
  lines.push('{"jsonrpc":"2.0","method":"run/token","params":{"runId":"run_0","seq":12345678901234567890,"agent":"echo","stepId":"1","text":"a"}}');
  lines.push('{"jsonrpc":"2.0","method":"run/token","params":{"runId":"run_0","seq":3,"agent":"echo","stepId":"1","text":""}}');
  const parser = new MessageParser();
  for (const line of lines) assert.deepEqual(parser.parse(line), JSON.parse(line), line);
  const { messages, bad } = frameAll([Buffer.from(lines.map((line) => `${line}\n`).join(''), 'utf8')]);
  assert.deepEqual(bad, []);
  assert.deepEqual(messages, lines.map((line) => JSON.parse(line)));
});

test('repeated strings are shared, and long texts are copies, not slices of a chunk', () => {
  const lines = [1, 2, 3].map((seq) => JSON.stringify(token('run_0123456789abcdef', seq, 'abcdefghijklmnopqrstuvwxyz')));
  const { messages } = frameAll([Buffer.from(`${lines.join('\n')}\n`)]);
  assert.equal(messages.length, 3);
  assert.ok(messages.every((message) => message.params.runId === messages[0].params.runId));
  assert.ok(messages.every((message) => message.params.text === 'abcdefghijklmnopqrstuvwxyz'));
});

test('a line that is not JSON is reported and skipped; an unfinished line is kept', () => {
  const { messages, bad, rest } = frameAll([Buffer.from('{"jsonrpc":"2.0","id":1,"result":{}}\nnot json\n{"jsonrpc":"2.0","id":2,"result":{}}\n{"jsonrpc"')]);
  assert.deepEqual(messages.map((message) => message.id), [1, 2]);
  assert.equal(bad.length, 1);
  assert.equal(bad[0][0], 'not json');
  assert.ok(bad[0][1] instanceof SyntaxError);
  assert.equal(rest, '{"jsonrpc"');
});

test('a multi-byte character split between chunks, then an ASCII chunk, decodes right', () => {
  const line = Buffer.from(`${JSON.stringify(token('run_1', 1, 'é✓'))}\n`);
  const cut = line.indexOf(Buffer.from('✓')) + 1; // inside the three bytes of ✓
  const { messages } = frameAll([line.subarray(0, cut), line.subarray(cut), Buffer.from('{"jsonrpc":"2.0","id":3,"result":{}}\n')]);
  assert.deepEqual(messages, [token('run_1', 1, 'é✓'), { jsonrpc: '2.0', id: 3, result: {} }]);
});

test('a line spread over many chunks is joined once (no quadratic concatenation)', () => {
  const big = { jsonrpc: '2.0', id: 9, result: { output: 'y'.repeat(8 * 1024 * 1024) } };
  const bytes = Buffer.from(`${JSON.stringify(big)}\n`);
  const chunks = [];
  for (let at = 0; at < bytes.length; at += 65536) chunks.push(bytes.subarray(at, at + 65536));
  const started = process.hrtime.bigint();
  const { messages } = frameAll(chunks);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.equal(messages[0].result.output.length, 8 * 1024 * 1024);
  assert.ok(ms < 2000, `${ms} ms`);
});
