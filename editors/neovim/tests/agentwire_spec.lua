-- Drives the plug-in inside a headless Neovim against a real agentwire binary and checks the run
-- buffers. Run from the repository root:
--   AGENTWIRE_BIN=.build/debug/agentwire nvim --headless -u NONE -i NONE --noplugin \
--     --cmd 'set rtp^=editors/neovim' --cmd 'runtime! plugin/agentwire.lua' \
--     -c 'luafile editors/neovim/tests/agentwire_spec.lua'
-- Exits 0 when every test passes, 1 otherwise.

local binary = vim.fn.fnamemodify(os.getenv('AGENTWIRE_BIN') or '.build/debug/agentwire', ':p')
local agentwire = require('agentwire')
local defaults = { cmd = binary, store = 'memory' }
agentwire.setup(defaults)
local uv = vim.uv or vim.loop

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

--- One server-sent event of a chat-completion stream.
local function sse_chunk(delta, finish)
  local event = {
    object = 'chat.completion.chunk',
    choices = { { index = 0, delta = delta or vim.empty_dict(), finish_reason = finish or vim.NIL } },
  }
  return 'data: ' .. vim.json.encode(event) .. '\n\n'
end

--- A stand-in for an OpenAI-compatible model server on a free loopback port (what the service's own
--- tests use, Sources/FakeModelServer): asked without a tool result in the conversation, it calls the
--- first tool offered with {"city": "Paris"}; once the tool's result is there, it answers
--- "The tool said: RESULT". Returns its port and `close()`.
local function fake_model()
  local server = uv.new_tcp()
  assert(server:bind('127.0.0.1', 0))
  server:listen(16, function(listen_err)
    if listen_err then
      return
    end
    local socket = uv.new_tcp()
    server:accept(socket)
    local data = ''
    socket:read_start(function(err, chunk)
      if err or not chunk then
        socket:close()
        return
      end
      data = data .. chunk
      local head_end = data:find('\r\n\r\n', 1, true)
      if not head_end then
        return
      end
      local length = tonumber(data:sub(1, head_end):lower():match('content%-length:%s*(%d+)')) or 0
      if #data < head_end + 3 + length then
        return
      end
      socket:read_stop()
      local request = vim.json.decode(data:sub(head_end + 4, head_end + 3 + length))
      local tool_result
      for _, message in ipairs(request.messages or {}) do
        if message.role == 'tool' then
          tool_result = message.content
        end
      end
      local events = { sse_chunk({ role = 'assistant' }) }
      if tool_result then
        table.insert(events, sse_chunk({ content = 'The tool said: ' }))
        table.insert(events, sse_chunk({ content = vim.trim(tool_result) }))
        table.insert(events, sse_chunk(nil, 'stop'))
      else
        local call = {
          index = 0,
          id = 'call_1',
          type = 'function',
          ['function'] = { name = request.tools[1]['function'].name, arguments = '{"city": "Paris"}' },
        }
        table.insert(events, sse_chunk({ tool_calls = { call } }))
        table.insert(events, sse_chunk(nil, 'tool_calls'))
      end
      table.insert(events, 'data: [DONE]\n\n')
      local head = 'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n'
      socket:write(head .. table.concat(events), function()
        socket:shutdown(function()
          socket:close()
        end)
      end)
    end)
  end)
  return {
    port = server:getsockname().port,
    close = function()
      server:close()
    end,
  }
end

--- A config file with the tool `weather` (permission `ask`) and the agent `forecaster`, a model on
--- `port` that calls it.
local function forecaster_config(port)
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  local file = dir .. '/agentwire.json'
  vim.fn.writefile({
    vim.json.encode({
      tools = {
        weather = {
          description = 'Current weather of a city',
          command = { '/bin/echo', 'forecast for {{city}}: sunny' },
          parameters = { type = 'object', properties = { city = { type = 'string' } }, required = { 'city' } },
          permission = 'ask',
        },
      },
      agents = {
        forecaster = {
          provider = {
            type = 'openai',
            baseURL = string.format('http://127.0.0.1:%d/v1', port),
            model = 'fake',
            retries = 0,
            tools = { 'weather' },
            toolChoice = 'weather',
          },
        },
      },
    }),
  }, file)
  return file
end

--- Runs `fn` with the service started on `config` (then back on the defaults), with vim.ui.select
--- replaced by `select`.
local function with_service(config, select, fn)
  agentwire.stop()
  agentwire.setup(vim.tbl_extend('force', defaults, config))
  local original = vim.ui.select
  vim.ui.select = select or original
  local ok, err = xpcall(fn, debug.traceback)
  vim.ui.select = original
  agentwire.cancel_all()
  agentwire.stop()
  agentwire.setup(defaults)
  if not ok then
    error(err, 0)
  end
end

local function lines(...)
  return table.concat({ ... }, '\n') .. '\n'
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

test('a cancel before run/started goes out as $/cancelRequest and ends the run', function()
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

test('concurrent runs of one agent go out at once and each stream into their own buffer', function()
  local runs = {}
  for i = 1, 8 do
    table.insert(runs, agentwire.run('echo-slow', 'input ' .. i .. ' of the same agent, streamed slowly'))
  end
  table.insert(runs, agentwire.workflow('pipeline', 'in parallel'))
  -- No run waits for another's run/started: every request is sent at once, and each run/started
  -- finds its run by the requestId it carries.
  local ids = {}
  for _, run in ipairs(runs) do
    expect(run.request_id ~= nil, 'request sent at once')
    expect(not ids[run.request_id], 'request ids differ')
    ids[run.request_id] = true
  end
  wait_for('every run/started', function()
    for _, run in ipairs(runs) do
      if run.kind == 'agent' and not run.run_id then
        return false
      end
    end
    return true
  end)
  for _, run in ipairs(runs) do
    expect(run.kind ~= 'agent' or not run.finished, 'the runs of echo-slow overlap')
  end
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

test('a tool call asks with vim.ui.select: the choice is the answer, and dismissing rejects', function()
  local model = fake_model()
  local asked = {}
  local choose
  local select = function(items, opts, on_choice)
    table.insert(asked, { items = vim.tbl_map(opts.format_item, items), prompt = opts.prompt, kind = opts.kind })
    -- A picker answers later, once the user has chosen.
    vim.defer_fn(function()
      on_choice(choose(items))
    end, 20)
  end
  local function option(id)
    return function(items)
      for _, item in ipairs(items) do
        if item.optionId == id then
          return item
        end
      end
    end
  end
  local ok, err = pcall(with_service, { config = forecaster_config(model.port) }, select, function()
    choose = option('allow_once')
    local allowed = finished(agentwire.run('forecaster', 'Weather in Paris?'))
    choose = option('reject')
    local rejected = finished(agentwire.run('forecaster', 'Weather in Paris?'))
    choose = function()
      return nil
    end
    local dismissed = finished(agentwire.run('forecaster', 'Weather in Paris?'))

    expect_equal(#asked, 3, 'questions asked')
    expect_equal(table.concat(asked[1].items, ', '), 'Allow once, Allow always, Reject', 'options offered')
    expect_equal(asked[1].prompt, 'AgentWire: forecaster wants to run weather {"city":"Paris"}', 'prompt')
    expect_equal(asked[1].kind, 'agentwire.permission', 'kind')
    expect_equal(allowed.outcome, 'done', 'outcome')
    expect_equal(
      buffer_text(allowed),
      lines(
        'agentwire forecaster',
        '[1] openai model call: started',
        '[1] permission weather: allow_once',
        'The tool said: forecast for Paris: sunny',
        '[1] openai model call: completed',
        '-- done --'
      ),
      'allowed run'
    )
    for _, run in ipairs({ rejected, dismissed }) do
      expect_equal(run.result.output, 'The tool said: error: permission was not granted', 'the tool did not run')
      expect(buffer_text(run):find('\n[1] permission weather: reject\n', 1, true) ~= nil, buffer_text(run))
    end

    -- Two runs asking at once: one picker at a time, each answer to its own question.
    asked = {}
    local open = 0
    local most = 0
    vim.ui.select = function(items, _, on_choice)
      open = open + 1
      most = math.max(most, open)
      table.insert(asked, true)
      vim.defer_fn(function()
        open = open - 1
        on_choice(#asked == 1 and option('allow_once')(items) or nil)
      end, 50)
    end
    local first = agentwire.run('forecaster', 'Weather in Paris?')
    local second = agentwire.run('forecaster', 'Weather in Paris?')
    finished(first)
    finished(second)
    expect_equal(most, 1, 'pickers open at once')
    local outputs = { first.result.output, second.result.output }
    table.sort(outputs)
    expect_equal(
      table.concat(outputs, ' | '),
      'The tool said: error: permission was not granted | The tool said: forecast for Paris: sunny',
      'one allowed, one rejected'
    )
  end)
  model.close()
  if not ok then
    error(err, 0)
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
  client:kill('sigkill')
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
  agentwire.setup(defaults)
  expect(ok, 'no error raised: ' .. tostring(run))
  expect_equal(run, nil, 'no run')
  expect(#messages == 1 and messages[1][1]:find('cannot start /nonexistent/agentwire', 1, true) ~= nil, vim.inspect(messages))
  expect_equal(messages[1][2], vim.log.levels.ERROR, 'level')
  -- The right command works again.
  expect_equal(finished(agentwire.run('echo', 'back')).outcome, 'done', 'outcome after')
end)

test(':checkhealth agentwire reports the binary, its version and whether the config is valid', function()
  local function health()
    vim.cmd('silent checkhealth agentwire')
    local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
    vim.cmd('bwipeout!')
    return text
  end
  local version = vim.trim(vim.fn.system({ binary, '--version' }))
  local text = health()
  expect(text:find('agentwire found: ' .. binary, 1, true) ~= nil, text)
  expect(text:find('version ' .. version .. ' (the plug-in is ' .. agentwire.version .. ')', 1, true) ~= nil, text)
  expect(text:find('the config is valid: %d+ agents %(echo, echo%-slow') ~= nil, text)
  expect(text:find('ERROR', 1, true) == nil, text)

  local bad = vim.fn.tempname() .. '.json'
  vim.fn.writefile({ '{"agents": {"x": {"provider": {"type": "echo", "delayMs": "soon"}}}}' }, bad)
  agentwire.setup(vim.tbl_extend('force', defaults, { config = bad }))
  text = health()
  expect(text:find('config: ' .. bad .. ' (setup option config)', 1, true) ~= nil, text)
  expect(
    text:find('ERROR:? the config is not valid: Error: invalid config: [^\n]*%$%.agents%.x%.provider%.delayMs') ~= nil,
    text
  )

  agentwire.setup(vim.tbl_extend('force', defaults, { cmd = '/nonexistent/agentwire' }))
  text = health()
  expect(text:find('ERROR:? /nonexistent/agentwire not found') ~= nil, text)
  agentwire.setup(defaults)
end)

test('doc/agentwire.txt builds its help tags, and :help finds them', function()
  local source = vim.api.nvim_get_runtime_file('doc/agentwire.txt', false)[1]
  expect(source ~= nil, 'doc/agentwire.txt is on the runtimepath')
  -- A copy, so that no tags file is left in the repository.
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir .. '/doc', 'p')
  vim.fn.writefile(vim.fn.readfile(source), dir .. '/doc/agentwire.txt')
  vim.v.errmsg = ''
  vim.cmd('helptags ' .. vim.fn.fnameescape(dir .. '/doc'))
  expect_equal(vim.v.errmsg, '', 'helptags errors')
  local tags = {}
  for _, line in ipairs(vim.fn.readfile(dir .. '/doc/tags')) do
    tags[line:match('^[^\t]+')] = true
  end
  for _, tag in ipairs({
    'agentwire',
    'agentwire.txt',
    'agentwire.setup()',
    'agentwire-options',
    ':AgentWireRun',
    ':AgentWireWorkflow',
    ':AgentWireCancel',
    ':AgentWireAgents',
    'agentwire-permission',
    'agentwire-mappings',
    'agentwire-health',
  }) do
    expect(tags[tag], 'tag ' .. tag)
  end
  vim.opt.runtimepath:prepend(dir)
  vim.cmd('help agentwire-health')
  expect_equal(vim.fn.expand('%:t'), 'agentwire.txt', 'help file')
  expect_equal(vim.bo.filetype, 'help', 'filetype')
  vim.cmd('helpclose')
  vim.opt.runtimepath:remove(dir)
end)

agentwire.stop()
out(string.format('neovim: %d passed, %d failed', results.passed, results.failed))
if results.failed > 0 then
  vim.cmd('cquit 1')
else
  vim.cmd('qall!')
end
