// Shared by the tests: the binary under test, config files, a fake OpenAI-compatible model server.

import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '../src/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The repository root. */
export const repoRoot = path.join(here, '..', '..', '..');

/** The binary under test: $AGENTWIRE_BIN, else the repository's debug build. */
export const binary = path.resolve(process.env.AGENTWIRE_BIN || path.join(repoRoot, '.build', 'debug', 'agentwire'));

/** Quiet warnings for tests that do not look at them. */
export const silent = () => {};

/** connect() to the binary under test, closed after the test. */
export async function open(t, options = {}) {
  const aw = await connect({ binary, logLevel: 'error', logger: silent, ...options });
  t.after(() => aw.close());
  return aw;
}

/** `count` words `w1 w2 …`: with echo-slow (50 ms a word) they stream for count × 50 ms. */
export function words(count, prefix = 'w') {
  return Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`).join(' ');
}

/** Resolves once `condition()` holds; rejects naming `what` after `ms`. */
export async function waitFor(what, condition, ms = 10000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Writes `config` as a config file in a fresh directory; returns its path. */
export function writeConfig(config) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentwire-node-test-'));
  const file = path.join(dir, 'agentwire.json');
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}

/** One server-sent event of a chat-completion stream. */
function sseChunk(delta = {}, finish = null) {
  const event = { id: 'chatcmpl-1', object: 'chat.completion.chunk', model: 'fake', choices: [{ index: 0, delta, finish_reason: finish }] };
  return `data: ${JSON.stringify(event)}\n\n`;
}

/**
 * A stand-in for an OpenAI-compatible model server on a free loopback port: asked without a tool
 * result in the conversation, it streams a call of the first tool offered with {"city": "Paris"} (in
 * two pieces, as servers do); once the tool's result is there, it streams "The tool said: RESULT".
 * Resolves with `{port, requests, close()}`.
 */
export function fakeModel() {
  const requests = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const chat = JSON.parse(body);
      requests.push(chat);
      const toolResult = chat.messages.find((message) => message.role === 'tool');
      response.writeHead(200, { 'Content-Type': 'text/event-stream', Connection: 'close' });
      response.write(sseChunk({ role: 'assistant' }));
      if (toolResult) {
        response.write(sseChunk({ content: 'The tool said: ' }));
        response.write(sseChunk({ content: toolResult.content.trim() }));
        response.write(sseChunk({}, 'stop'));
      } else {
        const name = chat.tools[0].function.name;
        response.write(sseChunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name, arguments: '{"city": ' } }] }));
        response.write(sseChunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }));
        response.write(sseChunk({}, 'tool_calls'));
      }
      response.end('data: [DONE]\n\n');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ port: server.address().port, requests, close: () => new Promise((done) => server.close(done)) });
    });
  });
}

/** A config with the tool `weather` (permission `ask`) and the agent `forecaster` on the model at `port`. */
export function forecasterConfig(port) {
  return writeConfig({
    tools: {
      weather: {
        description: 'Current weather of a city',
        command: ['/bin/echo', 'forecast for {{city}}: sunny'],
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        permission: 'ask',
      },
    },
    agents: {
      forecaster: {
        provider: { type: 'openai', baseURL: `http://127.0.0.1:${port}/v1`, model: 'fake', retries: 0, tools: ['weather'], toolChoice: 'weather' },
      },
    },
  });
}

/** Collects a stream: its events (without the result), the result event's params, the token texts. */
export async function collect(stream) {
  const events = [];
  let result = null;
  for await (const event of stream) {
    if (event.method === 'result') result = event.params;
    else events.push(event);
  }
  const text = events.filter((event) => event.method === 'run/token').map((event) => event.params.text).join('');
  return { events, result, text };
}

/** Whether process `pid` still exists (a zombie counts). */
export function processExists(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The state letter of process `pid` from /proc (R, S, Z, ...), or null when it is gone. */
export function processState(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^State:\s+(\S)/m.exec(status);
    return match ? match[1] : null;
  } catch {
    return null;
  }
}
