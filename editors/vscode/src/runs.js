'use strict';
// Runs of agents and workflows over an AgentWireClient, each written as a transcript: the layout
// every AgentWire editor integration shares (editors/README.md). No VS Code API here either.

const { EventEmitter } = require('node:events');

/** The option of a `permission/request` that rejects (kind `reject_once` or `reject_always`). */
function rejectOption(options) {
  return (
    options.find((option) => typeof option.kind === 'string' && option.kind.startsWith('reject')) ?? {
      optionId: 'reject',
      name: 'Reject',
      kind: 'reject_once',
    }
  );
}

/** The text of one run, built as notifications arrive; every append also goes to `sink`. */
class Transcript {
  constructor(title, sink = () => {}) {
    this.text = '';
    this.atLineStart = true;
    this.stream = null;
    this.sink = sink;
    this.line(title);
  }

  append(text) {
    if (!text) return;
    this.text += text;
    this.atLineStart = text.endsWith('\n');
    this.sink(text);
  }

  /** Writes `text` as a line of its own. */
  line(text) {
    if (!this.atLineStart) this.append('\n');
    this.append(`${text}\n`);
    this.stream = null;
  }

  /** Streams a token; a token of another step than the last one starts a new line. */
  token(stepId, text) {
    if (this.stream !== stepId && !this.atLineStart) this.append('\n');
    this.stream = stepId;
    this.append(text);
  }

  step({ stepId, name, agent, status }) {
    this.line(`[${stepId}] ${name ?? agent ?? ''}: ${status}`);
  }

  thinking({ stepId, text }) {
    this.line(`[${stepId}] thinking: ${text}`);
  }

  /** Closes the transcript: `done`, `cancelled` or `error` (with `message`); `output` for workflows. */
  finish(outcome, output, message) {
    if (output !== undefined) {
      this.line('-- output --');
      this.append(output);
    }
    this.line(outcome === 'error' ? `-- error: ${message ?? 'unknown'} --` : `-- ${outcome} --`);
  }
}

/** One run of an agent (`kind` 'agent') or a workflow. `done` resolves when it ends; it never rejects. */
class Run {
  constructor(kind, name, input, sink) {
    this.kind = kind;
    this.name = name;
    this.input = input;
    this.transcript = new Transcript(kind === 'agent' ? `agentwire ${name}` : `agentwire workflow ${name}`, sink);
    this.requestId = null;
    this.runId = null;
    this.tokens = 0;
    this.steps = [];
    this.percent = null;
    this.cancelling = false;
    this.finished = false;
    this.outcome = null;
    this.result = null;
    this.error = null;
    this.done = new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  /** A short description: the current step (workflows), progress or token count. */
  describe() {
    const parts = [this.name];
    const step = this.steps[this.steps.length - 1];
    if (this.kind === 'workflow' && step) parts.push(`${step.id} ${step.agent ?? ''}`.trim());
    if (this.percent !== null) parts.push(`${this.percent}%`);
    else if (this.kind === 'agent') parts.push(`${this.tokens} tokens`);
    if (this.cancelling) parts.push('cancelling');
    return parts.join(' ');
  }
}

/**
 * Starts runs on a client and routes its notifications to them, and answers the service's
 * `permission/request`s.
 * Events: `change` (run) after a step, progress, cancel request or the end of a run.
 *
 * `askPermission(params, run)` shows a `permission/request` (its `params`, for the unfinished `run`)
 * to the user and resolves with the option chosen (one of `params.options`, or its `optionId`), or
 * with undefined when the question was dismissed, which rejects. Questions are asked one at a time,
 * oldest first; a question of a run that has ended is rejected without asking. Without
 * `askPermission` every call is rejected.
 */
class RunManager extends EventEmitter {
  constructor(client, { askPermission } = {}) {
    super();
    this.client = client;
    this.active = [];
    this.byRequestId = new Map();
    this.byRunId = new Map();
    this.askPermission = askPermission ?? (async () => undefined);
    this.questions = Promise.resolve();
    client.on('notification', (method, params) => this.onNotification(method, params));
    client.onRequest('permission/request', (params) => this.permission(params));
  }

  /** Starts `kind` ('agent' or 'workflow') `name` on `input`; `sink(text)` receives the transcript. */
  start(kind, name, input, sink) {
    const run = new Run(kind, name, input, sink);
    this.active.push(run);
    // Runs of the same agent may go at once: each run/started names the request that started it.
    this.send(run);
    return run;
  }

  /** Answers a `permission/request` with `{optionId}`, after the questions before it. */
  permission(params) {
    const answer = this.questions.then(() => this.ask(params));
    this.questions = answer.catch(() => {});
    return answer;
  }

  async ask(params) {
    const options = Array.isArray(params?.options) ? params.options : [];
    const reject = rejectOption(options);
    const run = this.byRunId.get(params?.runId);
    if (!run || run.finished) return { optionId: reject.optionId };
    let chosen;
    try {
      chosen = await this.askPermission(params, run);
    } catch {
      chosen = undefined;
    }
    const option =
      options.find((candidate) => candidate === chosen || (typeof chosen === 'string' && candidate.optionId === chosen)) ??
      reject;
    if (!run.finished) run.transcript.line(`[${params.stepId}] permission ${params.tool}: ${option.optionId}`);
    return { optionId: option.optionId };
  }

  send(run) {
    const { id, result } = this.client.request(run.kind === 'agent' ? 'agent/run' : 'workflow/run', {
      [run.kind]: run.name,
      input: run.input,
    });
    run.requestId = id;
    this.byRequestId.set(id, run);
    result.then(
      (answer) => {
        run.result = answer;
        if (answer.stopReason === 'cancelled') this.finish(run, 'cancelled');
        else this.finish(run, 'done', run.kind === 'workflow' ? answer.output : undefined);
      },
      (error) => {
        run.error = error;
        if (error.code === -32800) this.finish(run, 'cancelled');
        else this.finish(run, 'error', undefined, `${error.message} (${error.code})`);
      },
    );
  }

  /**
   * Asks the service to stop `run` (default: the newest active one); its answer ends it. With the
   * runId known this is `run/cancel` (the run answers with its partial output), before that
   * `$/cancelRequest` (answered with -32800). Returns false when there is nothing to cancel.
   */
  cancel(run = this.active[this.active.length - 1]) {
    if (!run || run.finished) return false;
    run.cancelling = true;
    if (run.runId) this.client.request('run/cancel', { runId: run.runId }).result.catch(() => {});
    else this.client.notify('$/cancelRequest', { id: run.requestId });
    this.emit('change', run);
    return true;
  }

  /** The newest active run and its state, or '' when idle. */
  status() {
    const run = this.active[this.active.length - 1];
    if (!run) return '';
    const more = this.active.length > 1 ? ` +${this.active.length - 1}` : '';
    return `agentwire ${run.describe()}${more}`;
  }

  finish(run, outcome, output, message) {
    if (run.finished) return;
    run.finished = true;
    run.outcome = outcome;
    this.active = this.active.filter((other) => other !== run);
    if (this.byRequestId.get(run.requestId) === run) this.byRequestId.delete(run.requestId);
    if (run.runId) this.byRunId.delete(run.runId);
    run.transcript.finish(outcome, output, message);
    this.emit('change', run);
    run.resolve(run);
  }

  onNotification(method, params) {
    if (!params || typeof params !== 'object') return;
    if (method === 'run/started') {
      // The run started by the request it names.
      const run = this.byRequestId.get(params.requestId);
      if (!run) return;
      this.byRequestId.delete(params.requestId);
      if (run.finished) return;
      run.runId = params.runId;
      this.byRunId.set(params.runId, run);
      return;
    }
    const run = this.byRunId.get(params.runId);
    if (!run || run.finished) return;
    switch (method) {
      case 'run/token':
        run.tokens += 1;
        run.transcript.token(params.stepId, params.text ?? '');
        break;
      case 'run/step':
        run.transcript.step(params);
        if (params.status === 'started') run.steps.push({ id: params.stepId, agent: params.agent });
        else run.steps = run.steps.filter((step) => step.id !== params.stepId);
        this.emit('change', run);
        break;
      case 'run/thinking':
        run.transcript.thinking(params);
        break;
      case 'run/progress':
        run.percent = params.percent;
        this.emit('change', run);
        break;
      default:
        break;
    }
  }
}

module.exports = { RunManager, Run, Transcript };
