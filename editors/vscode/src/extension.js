'use strict';
// AgentWire for VS Code: the commands, the output channel, the progress notification and the
// status bar. The protocol work is in the Node client (lib/agentwire, vendored from clients/node)
// and runs.js.

const vscode = require('vscode');
const { connect } = require('../lib/agentwire');
const { RunManager } = require('./runs');
const { version } = require('../package.json');

let client = null;
let manager = null;
let starting = null;
let output = null;
let log = null;
let statusItem = null;

/** The `agentwire.*` settings as options of the client's connect(). */
function connectOptions() {
  const settings = vscode.workspace.getConfiguration('agentwire');
  return {
    binary: settings.get('path', 'agentwire') || 'agentwire',
    config: settings.get('config', '') || undefined,
    // Empty: agentwire's own default store file (not the client's default, memory).
    store: settings.get('store', '') || null,
    logLevel: settings.get('logLevel', 'warning') || undefined,
    args: settings.get('args', []),
  };
}

/**
 * Asks whether a tool may run (a `permission/request`) with a quick pick of the options it offers;
 * resolves with the option chosen, or undefined when the pick is dismissed (which rejects).
 */
async function askPermission(params) {
  const items = params.options.map((option) => ({ label: option.name, description: option.optionId, option }));
  const picked = await vscode.window.showQuickPick(items, {
    title: `AgentWire: ${params.agent} wants to run ${params.tool}`,
    placeHolder: `${params.tool} ${JSON.stringify(params.arguments)} (Escape rejects)`,
    ignoreFocusOut: true,
  });
  return picked ? picked.option : undefined;
}

/** The run manager of the running service, started and initialized on first use. */
async function ensureManager() {
  if (client && client.running && manager) return manager;
  if (starting) return starting;
  const options = connectOptions();
  starting = (async () => {
    const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
    const next = await connect({
      ...options,
      cwd: folder ? folder.uri.fsPath : undefined,
      clientInfo: { name: 'agentwire-vscode', version },
      onStderr: (text) => log.append(text),
      // The client's warnings (output it cannot read, error answers no request waits for).
      logger: (message) => log.appendLine(message),
    });
    next.on('exit', (code, signal) => {
      log.appendLine(`agentwire exited (code ${code}, signal ${signal})`);
      if (client === next) {
        client = null;
        manager = null;
      }
      updateStatus();
    });
    client = next;
    manager = new RunManager(next, { askPermission });
    manager.on('change', updateStatus);
    return manager;
  })();
  try {
    return await starting;
  } catch (error) {
    vscode.window.showErrorMessage(`AgentWire could not start "${options.binary}": ${error.message}`);
    throw error;
  } finally {
    starting = null;
  }
}

function updateStatus() {
  const text = manager ? manager.status() : '';
  if (text) {
    statusItem.text = `$(sync~spin) ${text}`;
    statusItem.show();
  } else {
    statusItem.hide();
  }
}

/** The selection of the active editor, or the text the user types; undefined when dismissed. */
async function readInput(kind, name) {
  const editor = vscode.window.activeTextEditor;
  if (editor && !editor.selection.isEmpty) return editor.document.getText(editor.selection);
  return vscode.window.showInputBox({ prompt: `Input for ${kind} ${name}`, ignoreFocusOut: true });
}

/** A quick pick of agents, workflows or both. */
async function pick(kinds) {
  const service = await ensureManager();
  const items = [];
  if (kinds.includes('agent')) {
    const agents = await service.client.agents();
    for (const agent of agents) {
      items.push({ label: agent.name, description: 'agent', detail: agent.description, kind: 'agent' });
    }
  }
  if (kinds.includes('workflow')) {
    const workflows = await service.client.workflows();
    for (const workflow of workflows) {
      items.push({
        label: workflow.name,
        description: `${workflow.strategy} workflow: ${workflow.agents.join(', ')}`,
        detail: workflow.description,
        kind: 'workflow',
      });
    }
  }
  const placeHolder = kinds.length > 1 ? 'Agent or workflow to run' : `${kinds[0] === 'agent' ? 'Agent' : 'Workflow'} to run`;
  return vscode.window.showQuickPick(items, { placeHolder, matchOnDetail: true });
}

/**
 * Runs `kind` `name` on `input`, streaming into the output channel with a cancellable progress
 * notification. Asks for what is missing. Resolves with the finished run, or undefined.
 */
async function startRun(kind, name, input) {
  if (!name) {
    const item = await pick([kind]);
    if (!item) return undefined;
    name = item.label;
  }
  if (input === undefined) input = await readInput(kind, name);
  if (input === undefined) return undefined;
  const service = await ensureManager();
  if (service.active.length === 0) output.clear();
  output.show(true);
  const run = service.start(kind, name, input, (text) => output.append(text));
  updateStatus();
  vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `AgentWire: ${name}`, cancellable: true },
    (progress, token) => {
      token.onCancellationRequested(() => service.cancel(run));
      let reported = 0;
      const onChange = (changed) => {
        if (changed !== run || run.finished) return;
        const percent = run.percent ?? reported;
        progress.report({ message: run.describe(), increment: percent > reported ? percent - reported : undefined });
        reported = percent;
      };
      service.on('change', onChange);
      return run.done.then(() => service.off('change', onChange));
    },
  );
  await run.done;
  if (run.outcome === 'error') {
    vscode.window.showErrorMessage(`AgentWire ${name}: ${run.error ? run.error.message : 'failed'}`);
  }
  return run;
}

function activate(context) {
  output = vscode.window.createOutputChannel('AgentWire');
  log = vscode.window.createOutputChannel('AgentWire Log');
  statusItem = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left);
  statusItem.command = 'agentwire.cancel';
  statusItem.tooltip = 'AgentWire: click to cancel the run';
  context.subscriptions.push(
    output,
    log,
    statusItem,
    vscode.commands.registerCommand('agentwire.runAgent', (name, input) => startRun('agent', name, input)),
    vscode.commands.registerCommand('agentwire.runWorkflow', (name, input) => startRun('workflow', name, input)),
    vscode.commands.registerCommand('agentwire.pick', async () => {
      const item = await pick(['agent', 'workflow']);
      return item ? startRun(item.kind, item.label, undefined) : undefined;
    }),
    vscode.commands.registerCommand('agentwire.cancel', () => (manager ? manager.cancel() : false)),
    vscode.commands.registerCommand('agentwire.showOutput', () => output.show()),
    vscode.commands.registerCommand('agentwire.restart', async () => {
      await deactivate();
      await ensureManager();
    }),
  );
}

/** Shuts the service down. */
async function deactivate() {
  const current = client;
  client = null;
  manager = null;
  if (current) await current.close();
}

module.exports = { activate, deactivate };
