// Compiled (not run) by package.test.js with tsc --strict when TypeScript is installed: the declarations
// must describe the API as the README uses it.
import {
  connect,
  AgentWireError,
  ConnectionError,
  NotFoundError,
  RequestCancelledError,
  TimeoutError,
  ErrorCode,
  type AgentRunResult,
  type RunEvent,
  type RunStartResult,
  type RunTokenParams,
  type WorkflowRunResult,
} from 'agentwire';

async function main(): Promise<void> {
  const aw = await connect({
    store: 'memory',
    onPermission: async (request) => (request.tool === 'weather' ? 'allow_once' : false),
    logger: { warn: (message: string) => void message },
  });
  let text = '';
  for await (const event of aw.stream('echo', 'hello', { timeoutMs: 1000, stream: { tokenCoalesceMs: 16 } })) {
    if (event.method === 'run/token') {
      const params: RunTokenParams = event.params;
      text += params.text;
    } else if (event.method === 'result') {
      const result: AgentRunResult = event.params;
      console.log(result.output, result.usage.outputTokens);
    } else if (event.method === 'run/step') {
      console.log(event.params.status, event.params.durationMs);
    }
  }
  const workflow: WorkflowRunResult = await aw.workflow('pipeline', text);
  console.log(workflow.branches.length);
  const events: RunEvent<WorkflowRunResult>[] = [];
  for await (const event of aw.streamWorkflow('pipeline', 'x')) events.push(event);
  const controller = new AbortController();
  try {
    await aw.run('echo-slow', 'a b c', { signal: controller.signal });
  } catch (error) {
    if (error instanceof RequestCancelledError) console.log(error.data.partialOutput, error.code === -32800);
    else if (error instanceof NotFoundError) console.log(error.data);
    else if (error instanceof TimeoutError) console.log(error.data.partialOutput);
    else if (error instanceof ConnectionError) console.log(error.stderr, error.exitCode);
    else if (error instanceof AgentWireError) console.log(error.code === ErrorCode.RateLimited);
  }
  const agents = await aw.agents();
  console.log(agents.map((agent) => agent.name));
  const details = await aw.request('run/get', { runId: 'run_x' });
  console.log(details.status, details.output);
  const session = aw.session('echo-history');
  console.log((await session.prompt('hi')).output);
  const { code } = await aw.close();
  console.log(code);
}

void main();

export async function spending(aw: Awaited<ReturnType<typeof connect>>): Promise<void> {
  const result = await aw.run('echo', '{"a": 1}', { budget: { maxOutputTokens: 10 }, outputSchema: { type: 'object' } });
  const cost: number | undefined = result.usage.costUsd;
  void cost;
  const resumed = await aw.resume('run_x', { force: true });
  void resumed.runId;
  const finished: AgentRunResult | WorkflowRunResult = await aw.resume('run_x', { timeoutMs: 5000 });
  void finished.output;
  const detached: RunStartResult = await aw.resume('run_x', { detach: true });
  void detached.runId;
}
