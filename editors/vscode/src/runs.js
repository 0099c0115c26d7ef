'use strict';
// Runs of agents and workflows over the AgentWire Node client (lib/agentwire, vendored from
// clients/node), each written as a transcript: the layout every AgentWire editor integration shares
// (editors/README.md). No VS Code API here either.

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
    /** The client's RunStream of this run (its events come to RunManager as they are read). */
    this.stream = null;
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

  /** The id of the request that started the run. */
  get requestId() {
    return this.stream ? this.stream.requestId : null;
  }

  /** The run's id, once `run/started` has named it (null before). */
  get runId() {
    return this.stream ? this.stream.runId : null;
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
 * Starts runs on a connected client (the `connect()` of lib/agentwire) and writes their events into
 * their transcripts, and answers the service's `permission/request`s.
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
    this.askPermission = askPermission ?? (async () => undefined);
    this.questions = Promise.resolve();
    client.onPermission = (params) => this.permission(params);
  }

  /** Starts `kind` ('agent' or 'workflow') `name` on `input`; `sink(text)` receives the transcript. */
  start(kind, name, input, sink) {
    const run = new Run(kind, name, input, sink);
    this.active.push(run);
    // Runs of the same agent may go at once: the client matches each run/started to its request by
    // the requestId it carries. Events come as they are read (onEvent), in order.
    const onEvent = (event) => this.onEvent(run, event);
    run.stream = kind === 'agent' ? this.client.stream(name, input, { onEvent }) : this.client.streamWorkflow(name, input, { onEvent });
    run.stream.result.then(
      (answer) => {
        run.result = answer;
        if (answer.stopReason === 'cancelled') this.finish(run, 'cancelled');
        else this.finish(run, 'done', run.kind === 'workflow' ? answer.output : undefined);
      },
      (error) => {
        run.error = error;
        if (error.code === -32800) {
          // Cancelled here: by run/cancel (the answer is the result, with the partial output) or,
          // before run/started, by $/cancelRequest (answered with -32800).
          run.result = error.result || null;
          this.finish(run, 'cancelled');
        } else {
          this.finish(run, 'error', undefined, `${describe(error)} (${error.code})`);
        }
      },
    );
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
    const run = this.active.find((candidate) => candidate.runId !== null && candidate.runId === params?.runId);
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

  /**
   * Asks the service to stop `run` (default: the newest active one); its answer ends it. The client
   * sends `run/cancel` once the runId is known (the run answers with its partial output), before that
   * `$/cancelRequest` (answered with -32800). Returns false when there is nothing to cancel.
   */
  cancel(run = this.active[this.active.length - 1]) {
    if (!run || run.finished) return false;
    run.cancelling = true;
    run.stream.cancel();
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
    run.transcript.finish(outcome, output, message);
    this.emit('change', run);
    run.resolve(run);
  }

  /** One notification of `run`. */
  onEvent(run, { method, params }) {
    if (run.finished || !params || typeof params !== 'object') return;
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

/** An error's message for the transcript: one line (the process's stderr goes to the log instead). */
function describe(error) {
  if (error && error.name === 'ConnectionError' && (error.exitCode !== null || error.signal !== null)) {
    return `agentwire exited (code ${error.exitCode}, signal ${error.signal})`;
  }
  return String((error && error.message) || error).split('\n')[0];
}

module.exports = { RunManager, Run, Transcript };
