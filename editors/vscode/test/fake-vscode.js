'use strict';
// The part of the `vscode` API the extension uses, recorded so tests can look at it and drive it.

const state = {
  settings: {},
  commands: new Map(),
  channels: [],
  progress: [],
  statusItems: [],
  errors: [],
  quickPickItems: null,
  quickPickOptions: null,
  quickPicks: [],
  quickPickAnswer: (items) => items[0],
  inputAnswer: undefined,
  activeTextEditor: undefined,
};

function createOutputChannel(name) {
  const channel = {
    name,
    text: '',
    shown: false,
    append(text) {
      channel.text += text;
    },
    appendLine(text) {
      channel.text += `${text}\n`;
    },
    clear() {
      channel.text = '';
    },
    show() {
      channel.shown = true;
    },
    dispose() {},
  };
  state.channels.push(channel);
  return channel;
}

function withProgress(options, task) {
  const listeners = [];
  const entry = {
    options,
    reports: [],
    cancelled: false,
    // What VS Code does when the user presses Cancel on the notification.
    cancel() {
      entry.cancelled = true;
      for (const listener of listeners) listener();
    },
  };
  state.progress.push(entry);
  const token = {
    get isCancellationRequested() {
      return entry.cancelled;
    },
    onCancellationRequested(listener) {
      listeners.push(listener);
      return { dispose() {} };
    },
  };
  entry.finished = Promise.resolve(task({ report: (value) => entry.reports.push(value) }, token));
  return entry.finished;
}

module.exports = {
  state,
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  StatusBarAlignment: { Left: 1, Right: 2 },
  commands: {
    registerCommand(id, handler) {
      state.commands.set(id, handler);
      return { dispose: () => state.commands.delete(id) };
    },
    async executeCommand(id, ...args) {
      return state.commands.get(id)(...args);
    },
  },
  window: {
    get activeTextEditor() {
      return state.activeTextEditor;
    },
    createOutputChannel,
    createStatusBarItem() {
      const item = {
        text: '',
        visible: false,
        show() {
          item.visible = true;
        },
        hide() {
          item.visible = false;
        },
        dispose() {},
      };
      state.statusItems.push(item);
      return item;
    },
    withProgress,
    async showQuickPick(items, options) {
      state.quickPickItems = await items;
      state.quickPickOptions = options;
      state.quickPicks.push({ items: state.quickPickItems, options });
      return state.quickPickAnswer(state.quickPickItems, options);
    },
    async showInputBox() {
      return state.inputAnswer;
    },
    showErrorMessage(message) {
      state.errors.push(message);
    },
  },
  workspace: {
    workspaceFolders: undefined,
    getConfiguration() {
      return { get: (key, fallback) => (key in state.settings ? state.settings[key] : fallback) };
    },
  },
};
