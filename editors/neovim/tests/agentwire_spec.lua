-- Drives the plug-in inside a headless Neovim against a real agentwire binary and checks the run
-- buffers. Run from the repository root:
--   AGENTWIRE_BIN=.build/debug/agentwire nvim --headless -u NONE -i NONE --noplugin \
--     --cmd 'set rtp^=editors/neovim' --cmd 'runtime! plugin/agentwire.lua' \
--     -c 'luafile editors/neovim/tests/agentwire_spec.lua'
-- Exits 0 when every test passes, 1 otherwise.

local binary = os.getenv('AGENTWIRE_BIN') or '.build/debug/agentwire'
local agentwire = require('agentwire')
agentwire.setup({ cmd = vim.fn.fnamemodify(binary, ':p'), store = 'memory' })

local results = { passed = 0, failed = 0 }

local function out(text)
  io.stdout:write(text .. '\n')
end

local function wait_for(what, condition, ms)
  if not vim.wait(ms or 10000, condition, 10) then
    error('timed out waiting for ' .. what, 2)
  end
end

local function expect_equal(actual, expected, what)
  if actual ~= expected then
    error(string.format('%s:\n--- expected\n%s\n--- actual\n%s', what, expected, actual), 2)
  end
end

local function expect(condition, what)
  if not condition then
    error(what, 2)
  end
end

local function test(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    results.passed = results.passed + 1
    out('ok     ' .. name)
  else
    results.failed = results.failed + 1
    out('FAILED ' .. name .. '\n' .. tostring(err))
  end
  -- Leave nothing running for the next test.
  agentwire.cancel_all()
  vim.wait(5000, function()
    return #agentwire.active() == 0
  end, 10)
end

local function finished(run)
  wait_for('the run to finish', function()
    return run.finished
  end)
  return run
end

local function buffer_text(run)
  return table.concat(vim.api.nvim_buf_get_lines(run.buf, 0, -1, false), '\n')
end

test(':AgentWireRun streams an agent run into a scratch buffer', function()
  vim.cmd('AgentWireRun echo hello brave new world')
  local run = finished(agentwire.last_run())
  expect_equal(run.outcome, 'done', 'outcome')
  expect_equal(
    buffer_text(run),
    table.concat({
      'agentwire echo',
      '[1] echo model call: started',
      'hello brave new world',
      '[1] echo model call: completed',
      '-- done --',
      '',
    }, '\n'),
    'run buffer'
  )
  expect_equal(vim.bo[run.buf].buftype, 'nofile', 'buftype')
  expect_equal(vim.bo[run.buf].modifiable, false, 'read-only between writes')
  local shown = false
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    shown = shown or vim.api.nvim_win_get_buf(win) == run.buf
  end
  expect(shown, 'the run buffer is shown in a window')
end)

test(':AgentWireRun takes the visual selection as its prompt', function()
  vim.cmd('enew')
  vim.api.nvim_buf_set_lines(0, 0, -1, false, { 'first line', 'second line', 'third' })
  vim.cmd('normal! ggjwvj$\27')
  vim.cmd("'<,'>AgentWireRun echo")
  local run = finished(agentwire.last_run())
  expect_equal(run.input, 'line\nthird', 'charwise selection')
  vim.cmd('normal! ggVj\27')
  vim.cmd("'<,'>AgentWireRun echo")
  run = finished(agentwire.last_run())
  expect_equal(run.input, 'first line\nsecond line', 'linewise selection')
  expect(buffer_text(run):find('first line\nsecond line\n%[1%] echo model call: completed') ~= nil, 'selection echoed')
end)

test(':AgentWireWorkflow shows every step and the output', function()
  vim.cmd('AgentWireWorkflow pipeline hello world')
  local run = finished(agentwire.last_run())
  expect_equal(run.outcome, 'done', 'outcome')
  expect_equal(
    buffer_text(run),
    table.concat({
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
      '',
    }, '\n'),
    'workflow buffer'
  )
end)

test(':AgentWireCancel stops a streaming run and keeps its partial output', function()
  local words = {}
  for i = 1, 60 do
    table.insert(words, 'w' .. i)
  end
  local input = table.concat(words, ' ')
  vim.cmd('AgentWireRun echo-slow ' .. input)
  local run = agentwire.last_run()
  wait_for('two tokens', function()
    return run.tokens >= 2
  end)
  -- Tokens are in the buffer while the run still goes on.
  expect(not run.finished, 'still running after two tokens')
  expect(buffer_text(run):find('w1 w2 ', 1, true) ~= nil, 'tokens streamed before the end')
  expect(agentwire.statusline():find('^agentwire echo%-slow %d+ tokens') ~= nil, 'statusline: ' .. agentwire.statusline())
  vim.cmd('AgentWireCancel')
  finished(run)
  expect_equal(run.outcome, 'cancelled', 'outcome')
  expect_equal(agentwire.statusline(), '', 'statusline when idle')
  local lines = vim.api.nvim_buf_get_lines(run.buf, 0, -1, false)
  expect_equal(lines[1], 'agentwire echo-slow', 'title')
  expect_equal(lines[2], '[1] echo model call: started', 'step started')
  local partial = lines[3]
  expect(#partial > 0 and input:sub(1, #partial) == partial, 'partial output is a prefix: ' .. partial)
  expect(#partial < #input, 'output was cut short')
  expect_equal(partial, run.result.output, 'buffer holds the partial output of the result')
  expect_equal(lines[4], '[1] echo model call: cancelled', 'step cancelled')
  expect_equal(lines[5], '-- cancelled --', 'closing line')
  expect_equal(#lines, 6, 'line count')
end)

test('a cancel sent before run/started ends the run without waiting on a callback', function()
  local run = agentwire.run('echo-slow', 'one two three four five six seven eight nine ten')
  expect(run.run_id == nil, 'no run id yet')
  agentwire.cancel(run)
  finished(run)
  expect_equal(run.outcome, 'cancelled', 'outcome')
  local text = buffer_text(run)
  expect(text:sub(1, #'agentwire echo-slow\n') == 'agentwire echo-slow\n', 'title')
  expect(text:sub(-#'-- cancelled --\n') == '-- cancelled --\n', 'closing line: ' .. text)
  expect(text:find('ten', 1, true) == nil, 'the run did not finish')
  -- The connection is still good.
  local next_run = finished(agentwire.run('echo', 'still here'))
  expect(buffer_text(next_run):find('\nstill here\n', 1, true) ~= nil, 'next run streams')
end)

test('concurrent runs of one agent each stream into their own buffer', function()
  local runs = {}
  for i = 1, 8 do
    table.insert(runs, agentwire.run('echo', 'input ' .. i .. ' of the same agent'))
  end
  table.insert(runs, agentwire.workflow('pipeline', 'in parallel'))
  for _, run in ipairs(runs) do
    finished(run)
  end
  for _, run in ipairs(runs) do
    expect_equal(run.outcome, 'done', 'outcome')
    expect_equal(run.run_id, run.result.runId, 'run id')
    local lines = vim.api.nvim_buf_get_lines(run.buf, 0, -1, false)
    expect_equal(lines[run.kind == 'agent' and 3 or 4], run.input, 'streamed text')
  end
end)

test('an unknown agent ends with the error', function()
  local run = finished(agentwire.run('nobody', 'hi'))
  expect_equal(run.outcome, 'error', 'outcome')
  local lines = vim.api.nvim_buf_get_lines(run.buf, 0, -1, false)
  expect_equal(lines[1], 'agentwire nobody', 'title')
  expect(lines[2]:find('^%-%- error: .*%(%-32001%) %-%-$') ~= nil, 'error line: ' .. lines[2])
end)

test(':AgentWireAgents picks with vim.ui.select and completion knows the agents', function()
  local names = agentwire.complete('agent', 'echo')
  expect(vim.tbl_contains(names, 'echo') and vim.tbl_contains(names, 'echo-slow'), 'agent names')
  expect_equal(table.concat(agentwire.complete('workflow', 'pip'), ','), 'pipeline', 'workflow names')
  local original_select = vim.ui.select
  local offered
  vim.ui.select = function(items, opts, on_choice)
    offered = vim.tbl_map(opts.format_item, items)
    for _, item in ipairs(items) do
      if item.kind == 'workflow' and item.name == 'pipeline' then
        on_choice(item)
      end
    end
  end
  vim.api.nvim_buf_set_lines(0, 0, -1, false, { 'from the buffer' })
  vim.cmd('normal! ggV\27')
  vim.cmd("'<,'>AgentWireAgents")
  -- The lists arrive asynchronously; vim.ui.select is called then.
  local picked = vim.wait(10000, function()
    return offered ~= nil and agentwire.last_run() and agentwire.last_run().name == 'pipeline'
  end, 10)
  vim.ui.select = original_select
  expect(picked, 'the picker ran the chosen workflow')
  local run = finished(agentwire.last_run())
  expect(vim.tbl_contains(offered, 'echo-slow - Like echo, with 50 ms before each word: for demos and cancellation.'), 'agents offered')
  expect(buffer_text(run):find('\n%-%- output %-%-\nreviewed: from the buffer\n%-%- done %-%-\n$') ~= nil, 'workflow output')
end)

test('runs end with an error when the service dies, and the next run starts a new one', function()
  local run = agentwire.run('echo-slow', 'one two three four five six seven eight nine ten')
  wait_for('a token', function()
    return run.tokens >= 1
  end)
  local client = agentwire.client()
  if client.rpc.pid then
    vim.loop.kill(client.rpc.pid, 'sigkill')
  else
    client.rpc.terminate()
  end
  finished(run)
  expect_equal(run.outcome, 'error', 'outcome')
  local text = buffer_text(run)
  expect(text:find('\n%-%- error: agentwire exited %(code %d+, signal %d+%) %-%-\n$') ~= nil, text)
  local next_run = finished(agentwire.run('echo', 'back again'))
  expect_equal(next_run.outcome, 'done', 'outcome after')
  expect(agentwire.client() ~= client, 'a new service')
end)

test('a missing executable is reported, and nothing runs', function()
  agentwire.stop()
  local notify = vim.notify
  local messages = {}
  vim.notify = function(message, level)
    table.insert(messages, { message, level })
  end
  agentwire.setup({ cmd = '/nonexistent/agentwire', store = 'memory' })
  local ok, run = pcall(agentwire.run, 'echo', 'hi')
  vim.notify = notify
  agentwire.setup({ cmd = vim.fn.fnamemodify(binary, ':p'), store = 'memory' })
  expect(ok, 'no error raised: ' .. tostring(run))
  expect_equal(run, nil, 'no run')
  expect(#messages == 1 and messages[1][1]:find('cannot start /nonexistent/agentwire', 1, true) ~= nil, vim.inspect(messages))
  expect_equal(messages[1][2], vim.log.levels.ERROR, 'level')
  -- The right command works again.
  expect_equal(finished(agentwire.run('echo', 'back')).outcome, 'done', 'outcome after')
end)

agentwire.stop()
out(string.format('neovim: %d passed, %d failed', results.passed, results.failed))
if results.failed > 0 then
  vim.cmd('cquit 1')
else
  vim.cmd('qall!')
end
