'use strict';
// Runs of agents and workflows over an AgentWireClient, each written as a transcript: the layout
// every AgentWire editor integration shares (editors/README.md). No VS Code API here either.

const { EventEmitter } = require('node:events');

/** Whether two runs run the same agent or workflow. */
function sameTarget(a, b) {
  return a.kind === b.kind && a.name === b.name;
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
    this.sent = false;
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
 * Starts runs on a client and routes its notifications to them.
 * Events: `change` (run) after a step, progress, cancel request or the end of a run.
 */
class RunManager extends EventEmitter {
  constructor(client) {
    super();
    this.client = client;
    this.active = [];
    this.pending = [];
    this.byRunId = new Map();
    client.on('notification', (method, params) => this.onNotification(method, params));
  }

  /** Starts `kind` ('agent' or 'workflow') `name` on `input`; `sink(text)` receives the transcript. */
  start(kind, name, input, sink) {
    const run = new Run(kind, name, input, sink);
    this.active.push(run);
    this.pending.push(run);
    // run/started does not name its request, so only one run per agent or workflow may wait for
    // it: a second one is sent once the first has its runId (or has ended).
    if (!this.pending.some((other) => other.sent && sameTarget(other, run))) this.send(run);
    return run;
  }

  send(run) {
    run.sent = true;
    const { id, result } = this.client.request(run.kind === 'agent' ? 'agent/run' : 'workflow/run', {
      [run.kind]: run.name,
      input: run.input,
    });
    run.requestId = id;
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

  /** `run` no longer waits for run/started: send the next run of the same target, if any. */
  unpend(run) {
    const index = this.pending.indexOf(run);
    if (index < 0) return;
    this.pending.splice(index, 1);
    const next = this.pending.find((other) => !other.sent && sameTarget(other, run));
    if (next) this.send(next);
  }

  /**
   * Asks the service to stop `run` (default: the newest active one); its answer ends it. With the
   * runId known this is `run/cancel` (the run answers with its partial output), before that
   * `$/cancelRequest` (answered with -32800). Returns false when there is nothing to cancel.
   */
  cancel(run = this.active[this.active.length - 1]) {
    if (!run || run.finished) return false;
    run.cancelling = true;
    if (!run.sent) {
      this.finish(run, 'cancelled');
      return true;
    }
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
    this.unpend(run);
    if (run.runId) this.byRunId.delete(run.runId);
    run.transcript.finish(outcome, output, message);
    this.emit('change', run);
    run.resolve(run);
  }

  onNotification(method, params) {
    if (!params || typeof params !== 'object') return;
    if (method === 'run/started') {
      // The one run of that agent or workflow sent and waiting (see start).
      const run = this.pending.find((other) => other.sent && params[other.kind] === other.name);
      if (!run) return;
      run.runId = params.runId;
      this.byRunId.set(params.runId, run);
      this.unpend(run);
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
