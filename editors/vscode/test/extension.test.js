'use strict';
// The extension's commands, output channel, progress notification and status bar, with a recording
// stand-in for the `vscode` module and the real agentwire binary behind it.

const test = require('node:test');
const assert = require('node:assert/strict');
const Module = require('node:module');
const path = require('node:path');
const { binary, waitFor, longInput, fakeModel, forecasterConfig } = require('./support');

const fakePath = path.join(__dirname, 'fake-vscode.js');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? fakePath : resolve.call(this, request, ...rest);
};
const vscode = require('vscode');
const extension = require('../src/extension');
const manifest = require('../package.json');

const { state } = vscode;
state.settings = { path: binary, store: 'memory', logLevel: 'error' };
const context = { subscriptions: [] };
extension.activate(context);
test.after(() => extension.deactivate());

const output = () => state.channels.find((channel) => channel.name === 'AgentWire');
const statusItem = () => state.statusItems[0];
const lines = (...all) => all.map((line) => `${line}\n`).join('');

test('every command in package.json is registered, and nothing else', () => {
  const declared = manifest.contributes.commands.map((command) => command.command).sort();
  assert.deepEqual([...state.commands.keys()].sort(), declared);
  assert.equal(manifest.main, './src/extension.js');
  for (const key of Object.keys(manifest.contributes.configuration.properties)) assert.match(key, /^agentwire\./);
});

test('Run Agent streams into the output channel', async () => {
  const run = await vscode.commands.executeCommand('agentwire.runAgent', 'echo', 'hello brave new world');
  assert.equal(run.outcome, 'done');
  assert.equal(
    output().text,
    lines('agentwire echo', '[1] echo model call: started', 'hello brave new world', '[1] echo model call: completed', '-- done --'),
  );
  assert.equal(output().shown, true);
  const progress = state.progress.at(-1);
  assert.equal(progress.options.location, vscode.ProgressLocation.Notification);
  assert.equal(progress.options.cancellable, true);
  assert.equal(statusItem().visible, false);
});

test('Run Workflow asks with a quick pick and takes the selection as input', async () => {
  state.quickPickAnswer = (items) => items.find((item) => item.label === 'pipeline');
  state.activeTextEditor = {
    selection: { isEmpty: false },
    document: { getText: () => 'hello world' },
  };
  const run = await vscode.commands.executeCommand('agentwire.runWorkflow');
  state.activeTextEditor = undefined;
  assert.deepEqual(state.quickPickItems.map((item) => item.label).sort(), ['delegate', 'fanout', 'pipeline']);
  assert.equal(run.outcome, 'done');
  assert.equal(
    output().text,
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
  const reports = state.progress.at(-1).reports;
  assert.ok(reports.some((report) => report.increment === 50), JSON.stringify(reports));
});

test('Cancel on the progress notification stops the run and keeps the partial output', async () => {
  const running = vscode.commands.executeCommand('agentwire.runAgent', 'echo-slow', longInput);
  await waitFor('the progress notification', () => state.progress.at(-1)?.options.title === 'AgentWire: echo-slow');
  await waitFor('two tokens', () => /\nw1 w2 /.test(output().text));
  assert.equal(statusItem().visible, true);
  assert.match(statusItem().text, /agentwire echo-slow \d+ tokens/);
  state.progress.at(-1).cancel();
  const run = await running;
  assert.equal(run.outcome, 'cancelled');
  const [title, started, partial, cancelled, closing, end] = output().text.split('\n');
  assert.equal(title, 'agentwire echo-slow');
  assert.equal(started, '[1] echo model call: started');
  assert.ok(partial.length > 0 && partial.length < longInput.length && longInput.startsWith(partial), partial);
  assert.equal(cancelled, '[1] echo model call: cancelled');
  assert.equal(closing, '-- cancelled --');
  assert.equal(end, '');
  assert.equal(statusItem().visible, false);
});

test('the Cancel command stops the newest run', async () => {
  const running = vscode.commands.executeCommand('agentwire.runAgent', 'echo-slow', longInput);
  await waitFor('a token', () => /\nw1 /.test(output().text));
  assert.equal(await vscode.commands.executeCommand('agentwire.cancel'), true);
  assert.equal((await running).outcome, 'cancelled');
  assert.ok(output().text.endsWith('\n-- cancelled --\n'));
});

test('a failing run shows an error message', async () => {
  const run = await vscode.commands.executeCommand('agentwire.runAgent', 'nobody', 'hi');
  assert.equal(run.outcome, 'error');
  assert.match(state.errors.at(-1), /^AgentWire nobody: /);
  assert.match(output().text, /-- error: .*\(-32001\) --\n$/);
});

test('a tool asks with a quick pick: the choice is sent, and dismissing it rejects', async (t) => {
  const model = await fakeModel();
  const settings = state.settings;
  const answer = state.quickPickAnswer;
  state.settings = { ...settings, config: forecasterConfig(model.port) };
  t.after(async () => {
    state.settings = settings;
    state.quickPickAnswer = answer;
    await vscode.commands.executeCommand('agentwire.restart');
    await model.close();
  });
  await vscode.commands.executeCommand('agentwire.restart');
  state.quickPicks = [];
  state.quickPickAnswer = (items) => items.find((item) => item.label === 'Allow once');
  const allowed = await vscode.commands.executeCommand('agentwire.runAgent', 'forecaster', 'Weather in Paris?');
  assert.equal(allowed.outcome, 'done');
  assert.equal(
    output().text,
    lines(
      'agentwire forecaster',
      '[1] openai model call: started',
      '[1] permission weather: allow_once',
      'The tool said: forecast for Paris: sunny',
      '[1] openai model call: completed',
      '-- done --',
    ),
  );
  const [pick] = state.quickPicks;
  assert.deepEqual(pick.items.map((item) => item.label), ['Allow once', 'Allow always', 'Reject']);
  assert.equal(pick.options.title, 'AgentWire: forecaster wants to run weather');
  assert.equal(pick.options.placeHolder, 'weather {"city":"Paris"} (Escape rejects)');
  assert.equal(pick.options.ignoreFocusOut, true);

  state.quickPickAnswer = () => undefined;
  const dismissed = await vscode.commands.executeCommand('agentwire.runAgent', 'forecaster', 'Weather in Paris?');
  assert.equal(dismissed.result.output, 'The tool said: error: permission was not granted');
  assert.match(output().text, /\n\[1\] permission weather: reject\nThe tool said: error: permission was not granted\n/);
  assert.equal(state.quickPicks.length, 2);
});

test('a dismissed input box runs nothing', async () => {
  state.inputAnswer = undefined;
  const before = state.progress.length;
  assert.equal(await vscode.commands.executeCommand('agentwire.runAgent', 'echo'), undefined);
  assert.equal(state.progress.length, before);
});
