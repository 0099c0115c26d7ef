#!/usr/bin/env node
// Tokens per second delivered to user code: one `agent/run` of the echo agent on a 1,000,000-word input
// (the echo agent streams one `run/token` per word), read with `for await` over aw.stream(), every
// word counted, and the words checked against the input. Once with every token sent, once with
// `tokenCoalesceMs` (the server merges a step's tokens and sends them at most that often).
//
//   AGENTWIRE_BIN=path/to/release/agentwire node clients/node/bench.mjs [--words N] [--runs N] [--coalesce MS] [--json-parse]
//                                                                       [--binary PATH] [--json]
//
// --json prints one JSON object with the medians instead of the lines (what agentwire-bench reads).
//
// --json-parse turns the token fast path off (every line goes to JSON.parse), for comparison.
//
// Use a release build: a debug build of the server itself streams only a few hundred thousand
// tokens a second. Prints one line per measurement, the median per mode, and (for scale) how fast the
// server alone writes the same stream into a pipe that is read and thrown away.

import { spawn } from 'node:child_process';
import { connect, MessageParser } from './src/index.js';

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}

const words = option('words', 1_000_000);
const runs = option('runs', 3);
const coalesceMs = option('coalesce', 16);
const vocabulary = ['lorem', 'ipsum', 'dolor', 'sit', 'amet', 'consectetur', 'adipiscing', 'elit', 'sed', 'do'];
const jsonParseOnly = process.argv.includes('--json-parse');
const jsonReport = process.argv.includes('--json');
const binaryAt = process.argv.indexOf('--binary');
const binary = binaryAt === -1 ? undefined : process.argv[binaryAt + 1];
if (jsonParseOnly) {
  MessageParser.prototype.token = () => null;
  MessageParser.prototype.parse = (line) => JSON.parse(line);
}
const input = Array.from({ length: words }, (_, i) => vocabulary[i % vocabulary.length]).join(' ');

/** Counts the words of `text` (runs of non-spaces). */
function countWords(text) {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = text.charCodeAt(i) === 32;
    if (!space && !inWord) count++;
    inWord = !space;
  }
  return count;
}

async function measure(aw, stream) {
  const started = process.hrtime.bigint();
  let delivered = 0;
  let events = 0;
  let characters = 0;
  let result = null;
  for await (const event of aw.stream('echo', input, { stream })) {
    events++;
    if (event.method === 'run/token') {
      const text = event.params.text;
      characters += text.length;
      delivered += stream.tokenCoalesceMs ? countWords(text) : 1;
    } else if (event.method === 'result') {
      result = event.params;
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (delivered !== words || characters !== input.length || result.output.length !== input.length) {
    throw new Error(`lost output: ${delivered} words, ${characters} characters (expected ${words}, ${input.length})`);
  }
  return { seconds, events, rate: words / seconds };
}

/** The server alone: the same request, its output read from the pipe and dropped, until it exits. */
function serverAlone(binary) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['serve', '--store', 'memory', '--log-level', 'error'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const started = process.hrtime.bigint();
    child.stdout.on('data', () => {});
    child.on('error', reject);
    child.on('close', () => resolve(words / (Number(process.hrtime.bigint() - started) / 1e9)));
    child.stdin.end(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'agent/run', params: { agent: 'echo', input } })}\n`);
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const format = (rate) => `${Math.round(rate).toLocaleString('en-US')} tokens/s`;

const aw = await connect({ binary, logLevel: 'error' });
const log = jsonReport ? () => {} : console.log;
const report = { client: 'node', words, node: process.version, jsonParseOnly };
log(
  `agentwire ${aw.serverInfo.version} (${aw.binary}), node ${process.version}, ${words.toLocaleString('en-US')} words, ${runs} runs per mode${jsonParseOnly ? ', JSON.parse for every line' : ''}`,
);
const modes = [
  ['every token', {}],
  [`tokenCoalesceMs ${coalesceMs}`, { tokenCoalesceMs: coalesceMs }],
];
const summary = [];
for (const [name, stream] of modes) {
  await measure(aw, stream); // warm-up
  const rates = [];
  for (let i = 0; i < runs; i++) {
    const { seconds, events, rate } = await measure(aw, stream);
    rates.push(rate);
    log(`  ${name}: ${seconds.toFixed(3)} s, ${events.toLocaleString('en-US')} events, ${format(rate)}`);
    report[stream.tokenCoalesceMs ? 'coalesced' : 'everyToken'] = {
      coalesceMs: stream.tokenCoalesceMs ?? null,
      notifications: events,
    };
  }
  report[stream.tokenCoalesceMs ? 'coalesced' : 'everyToken'].endToEnd = median(rates);
  summary.push(`${name}: ${format(median(rates))} (median of ${runs})`);
}
await aw.close();
const alone = [];
for (let i = 0; i < runs; i++) alone.push(await serverAlone(aw.binary));
summary.push(`server alone (output read and dropped, until it exits): ${format(median(alone))} (median of ${runs})`);
report.serverAlone = median(alone);
if (jsonReport) console.log(JSON.stringify(report));
else console.log(summary.join('\n'));
