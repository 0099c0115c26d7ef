'use strict';
// Shared by the tests: where the agentwire binary is, and waiting for a condition.

const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

/** The binary under test: $AGENTWIRE_BIN, else the repository's debug build. */
const binary = path.resolve(process.env.AGENTWIRE_BIN || path.join(__dirname, '../../../.build/debug/agentwire'));

/** Options of connect() that keep the tests off the user's run store and quiet. */
const serviceOptions = { binary, store: 'memory', logLevel: 'error' };

/** Resolves once `condition()` holds; rejects naming `what` after `ms`. */
async function waitFor(what, condition, ms = 10000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** 60 words, so that echo-slow streams for three seconds. */
const longInput = Array.from({ length: 60 }, (_, i) => `w${i + 1}`).join(' ');

/** One server-sent event of a chat-completion stream. */
function sseChunk(delta = {}, finish = null) {
  const event = { object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] };
  return `data: ${JSON.stringify(event)}\n\n`;
}

/**
 * A stand-in for an OpenAI-compatible model server on a free loopback port (what the service's own
 * tests use, Sources/FakeModelServer): asked without a tool result in the conversation, it calls the
 * first tool offered with {"city": "Paris"}; once the tool's result is there, it answers
 * "The tool said: RESULT". Resolves with `{port, close()}`.
 */
function fakeModel() {
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const chat = JSON.parse(body);
      const toolResult = chat.messages.find((message) => message.role === 'tool');
      response.writeHead(200, { 'Content-Type': 'text/event-stream', Connection: 'close' });
      response.write(sseChunk({ role: 'assistant' }));
      if (toolResult) {
        response.write(sseChunk({ content: 'The tool said: ' }));
        response.write(sseChunk({ content: toolResult.content.trim() }));
        response.write(sseChunk({}, 'stop'));
      } else {
        const name = chat.tools[0].function.name;
        const call = { index: 0, id: 'call_1', type: 'function', function: { name, arguments: '{"city": "Paris"}' } };
        response.write(sseChunk({ tool_calls: [call] }));
        response.write(sseChunk({}, 'tool_calls'));
      }
      response.end('data: [DONE]\n\n');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ port: server.address().port, close: () => new Promise((done) => server.close(done)) });
    });
  });
}

/**
 * Writes a config file with the tool `weather` (permission `ask`) and the agent `forecaster`, whose
 * model at `port` calls it; returns the file's path.
 */
function forecasterConfig(port) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentwire-test-'));
  const file = path.join(dir, 'agentwire.json');
  const config = {
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
        provider: {
          type: 'openai',
          baseURL: `http://127.0.0.1:${port}/v1`,
          model: 'fake',
          retries: 0,
          tools: ['weather'],
          toolChoice: 'weather',
        },
      },
    },
  };
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}

module.exports = { binary, serviceOptions, waitFor, longInput, fakeModel, forecasterConfig };
