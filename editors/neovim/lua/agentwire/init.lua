-- AgentWire for Neovim: runs agents and workflows of one `agentwire` process per editor and streams
-- them into scratch buffers. Commands are in plugin/agentwire.lua; see editors/neovim/README.md.

local client_mod = require('agentwire.client')
local transcript = require('agentwire.transcript')

-- The release of AgentWire this plug-in belongs to: the same as `agentwire --version`.
local M = { version = '0.2.0' }

local defaults = {
  -- The agentwire executable (a name on $PATH or a path).
  cmd = 'agentwire',
  -- `--config PATH`; when nil agentwire looks for ./agentwire.json, then ~/.config/agentwire/config.json.
  config = nil,
  -- `--store PATH|memory`; when nil the default store in ~/.local/state/agentwire.
  store = nil,
  -- `--log-level`: the service's stderr ends up in Neovim's LSP log.
  log_level = 'warning',
  -- More arguments, after the ones above.
  args = {},
  -- Ex command that opens a window for a new run's buffer (an open AgentWire window is reused);
  -- false keeps the buffer hidden.
  open = 'botright split',
  -- `initialize {stream}`: which notifications to receive (nil: all).
  stream = nil,
}

M.config = vim.deepcopy(defaults)

local state = {
  client = nil,
  -- Unfinished runs, oldest first.
  active = {},
  -- Runs whose `run/started` has not arrived yet are in their client's `runs_by_request_id`, by the
  -- id of their request (`run/started` names it as `requestId`).
  by_run_id = {},
  -- `permission/request`s waiting for the picker, oldest first; `asking` while one is shown.
  questions = {},
  asking = false,
  agents = nil,
  workflows = nil,
}

--- Merges `opts` into the defaults (see README.md for every option).
function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
end

local function redraw_status()
  pcall(vim.cmd, 'redrawstatus!')
end

local function remove(list, item)
  for i, value in ipairs(list) do
    if value == item then
      table.remove(list, i)
      return
    end
  end
end

--- Ends `run`: it stops receiving notifications and its transcript is closed.
local function finish(run, outcome, output, message)
  if run.finished then
    return
  end
  run.finished = true
  run.outcome = outcome
  remove(state.active, run)
  local waiting = run.client.runs_by_request_id
  if run.request_id and waiting[run.request_id] == run then
    waiting[run.request_id] = nil
  end
  if run.run_id then
    state.by_run_id[run.run_id] = nil
  end
  run.transcript:finish(outcome, output, message)
  redraw_status()
end

--- The answer to a run's request.
local function settle(run, err, result)
  if run.finished then
    return
  end
  if err then
    if err.code == -32800 then
      finish(run, 'cancelled')
    else
      finish(run, 'error', nil, string.format('%s (%s)', err.message or 'failed', tostring(err.code)))
    end
    return
  end
  run.result = result
  if result.stopReason == 'cancelled' then
    finish(run, 'cancelled')
  else
    finish(run, 'done', run.kind == 'workflow' and result.output or nil)
  end
end

local function on_notification(client, method, params)
  if type(params) ~= 'table' then
    return
  end
  if method == 'run/started' then
    -- The run started by the request it names (request ids are the client's own).
    local run = params.requestId ~= nil and client.runs_by_request_id[params.requestId]
    if run then
      client.runs_by_request_id[params.requestId] = nil
      if not run.finished then
        run.run_id = params.runId
        state.by_run_id[params.runId] = run
      end
    end
    return
  end
  local run = state.by_run_id[params.runId]
  if not run or run.finished then
    return
  end
  if method == 'run/token' then
    run.tokens = run.tokens + 1
    run.transcript:token(params.stepId, params.text or '')
  elseif method == 'run/step' then
    run.transcript:step(params)
    if params.status == 'started' then
      table.insert(run.steps, { id = params.stepId, agent = params.agent })
    else
      for i, step in ipairs(run.steps) do
        if step.id == params.stepId then
          table.remove(run.steps, i)
          break
        end
      end
    end
    redraw_status()
  elseif method == 'run/thinking' then
    run.transcript:thinking(params)
  elseif method == 'run/progress' then
    run.percent = params.percent
    redraw_status()
  end
end

--- The option of `options` that rejects (kind `reject_once` or `reject_always`).
local function reject_option(options)
  for _, option in ipairs(options) do
    if type(option.kind) == 'string' and option.kind:sub(1, 6) == 'reject' then
      return option
    end
  end
  return { optionId = 'reject', name = 'Reject', kind = 'reject_once' }
end

local function describe_arguments(arguments)
  if arguments == nil then
    return ''
  end
  local ok, text = pcall(vim.json.encode, arguments)
  return ok and text or vim.inspect(arguments)
end

local ask_next

--- Answers `question` with `option` and notes the choice in its run's buffer.
local function answer(question, option)
  local run = question.run
  if run and not run.finished then
    run.transcript:line(
      string.format('[%s] permission %s: %s', question.params.stepId or '', question.params.tool or '', option.optionId)
    )
  end
  question.respond({ optionId = option.optionId })
end

--- Asks the oldest waiting `permission/request` with vim.ui.select; one picker at a time.
ask_next = function()
  local question = table.remove(state.questions, 1)
  if not question then
    state.asking = false
    return
  end
  state.asking = true
  local params = question.params
  local options = type(params.options) == 'table' and params.options or {}
  local reject = reject_option(options)
  local run = state.by_run_id[params.runId]
  question.run = run
  if not run or run.finished then
    -- Not a run of ours that is still going (cancelled while the question waited): nobody to ask.
    question.respond({ optionId = reject.optionId })
    ask_next()
    return
  end
  local answered = false
  local function on_choice(choice)
    if answered then
      return
    end
    answered = true
    -- Dismissing the picker rejects.
    answer(question, type(choice) == 'table' and choice.optionId and choice or reject)
    vim.schedule(ask_next)
  end
  local ok, err = pcall(vim.ui.select, options, {
    prompt = string.format(
      'AgentWire: %s wants to run %s %s',
      params.agent or run.name,
      params.tool or '?',
      describe_arguments(params.arguments)
    ),
    kind = 'agentwire.permission',
    format_item = function(option)
      return option.name or option.optionId
    end,
  }, on_choice)
  if not ok then
    vim.notify('agentwire: cannot ask for permission: ' .. tostring(err), vim.log.levels.ERROR)
    on_choice(nil)
  end
end

--- A request of the service: `permission/request` is asked (see ask_next); nothing else is known.
local function on_request(method, params, respond)
  if method ~= 'permission/request' or type(params) ~= 'table' then
    respond(nil, { code = -32601, message = 'Method not found: ' .. tostring(method) })
    return
  end
  table.insert(state.questions, { params = params, respond = respond })
  if not state.asking then
    ask_next()
  end
end

local function command_args()
  local args = {}
  if M.config.config then
    vim.list_extend(args, { '--config', vim.fn.expand(M.config.config) })
  end
  if M.config.store then
    vim.list_extend(args, { '--store', M.config.store == 'memory' and 'memory' or vim.fn.expand(M.config.store) })
  end
  if M.config.log_level then
    vim.list_extend(args, { '--log-level', M.config.log_level })
  end
  vim.list_extend(args, M.config.args or {})
  return args
end

--- The running client, started (and initialized) on first use; nil when it cannot start.
local function ensure_client()
  if state.client and state.client.alive then
    return state.client
  end
  local cmd = vim.fn.expand(M.config.cmd)
  if vim.fn.executable(cmd) ~= 1 then
    vim.notify(
      'agentwire: cannot start ' .. cmd .. ": no such executable (set cmd in require('agentwire').setup)",
      vim.log.levels.ERROR
    )
    return nil
  end
  local client, err
  client, err = client_mod.start(cmd, command_args(), {
    notification = function(method, params)
      on_notification(client, method, params)
    end,
    request = on_request,
    exit = function(code, signal)
      if state.client == client then
        state.client = nil
      end
      for _, run in ipairs({ unpack(state.active) }) do
        if run.client == client then
          finish(run, 'error', nil, string.format('agentwire exited (code %s, signal %s)', code, signal))
        end
      end
    end,
    error = function(what, detail)
      vim.notify(string.format('agentwire: %s: %s', what, tostring(detail)), vim.log.levels.WARN)
    end,
  })
  if not client then
    vim.notify('agentwire: cannot start ' .. M.config.cmd .. ': ' .. err, vim.log.levels.ERROR)
    return nil
  end
  state.client = client
  client.runs_by_request_id = {}
  client:request('initialize', {
    protocolVersion = 'agentwire/1',
    clientInfo = { name = 'agentwire.nvim', version = M.version },
    stream = M.config.stream,
  }, function(e, result)
    if e then
      vim.notify('agentwire: initialize failed: ' .. tostring(e.message), vim.log.levels.ERROR)
    elseif result then
      state.server = result.serverInfo
    end
  end)
  client:notify('initialized', nil)
  return client
end

--- Shows `run`'s buffer: in the window of an earlier run if one is visible, else in a new window
--- opened with `config.open`. The cursor stays where it was.
local function show(run)
  if not M.config.open then
    return
  end
  local buf = run.transcript.buf
  for _, win in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
    local other = vim.api.nvim_win_get_buf(win)
    if vim.bo[other].filetype == 'agentwire' then
      vim.api.nvim_win_set_buf(win, buf)
      vim.api.nvim_win_set_cursor(win, { vim.api.nvim_buf_line_count(buf), 0 })
      return
    end
  end
  local previous = vim.api.nvim_get_current_win()
  vim.cmd(M.config.open)
  local win = vim.api.nvim_get_current_win()
  vim.api.nvim_win_set_buf(win, buf)
  vim.api.nvim_win_set_cursor(win, { vim.api.nvim_buf_line_count(buf), 0 })
  if vim.api.nvim_win_is_valid(previous) then
    vim.api.nvim_set_current_win(previous)
  end
end

--- Sends `run`'s request; its `run/started` is matched to it by the request id.
local function send(run)
  local params = { input = run.input }
  params[run.kind] = run.name
  run.request_id = run.client:request(run.kind .. '/run', params, function(err, result)
    settle(run, err, result)
  end)
  if run.request_id then
    run.client.runs_by_request_id[run.request_id] = run
  else
    finish(run, 'error', nil, 'agentwire is not running')
  end
end

local function start(kind, name, input)
  local client = ensure_client()
  if not client then
    return nil
  end
  local title = kind == 'agent' and ('agentwire ' .. name) or ('agentwire workflow ' .. name)
  local run = {
    kind = kind,
    name = name,
    input = input,
    client = client,
    tokens = 0,
    steps = {},
    transcript = transcript.new(title, name),
  }
  run.buf = run.transcript.buf
  state.last = run
  table.insert(state.active, run)
  -- Runs of the same agent may run at once: each `run/started` names its request.
  send(run)
  show(run)
  redraw_status()
  return run
end

--- Runs `agent` on `input`; returns the run (`run.buf` is its buffer, `run.finished` turns true at
--- the end, `run.outcome` is `done`, `cancelled` or `error`).
function M.run(agent, input)
  return start('agent', agent, input)
end

--- Runs the workflow `name` on `input`; returns the run, as M.run does.
function M.workflow(name, input)
  return start('workflow', name, input)
end

--- Cancels `run`, by default the newest unfinished one. Returns false when there is nothing to cancel.
--- With its runId known it sends `run/cancel` (the run then answers with its partial output);
--- before that, `$/cancelRequest` (answered with -32800).
function M.cancel(run)
  run = run or state.active[#state.active]
  if not run or run.finished then
    return false
  end
  run.cancelling = true
  if run.run_id then
    run.client:request('run/cancel', { runId = run.run_id })
  else
    run.client:notify('$/cancelRequest', { id = run.request_id })
  end
  redraw_status()
  return true
end

--- Cancels every unfinished run.
function M.cancel_all()
  local any = false
  for _, run in ipairs({ unpack(state.active) }) do
    any = M.cancel(run) or any
  end
  return any
end

--- Unfinished runs, oldest first.
function M.active()
  return { unpack(state.active) }
end

--- The newest run, finished or not.
function M.last_run()
  return state.last
end

--- For the statusline: the newest active run, its current step and progress, or '' when idle.
--- Example: `set statusline+=%{v:lua.require'agentwire'.statusline()}`.
function M.statusline()
  local run = state.active[#state.active]
  if not run then
    return ''
  end
  local parts = { 'agentwire', run.name }
  local step = run.steps[#run.steps]
  if run.kind == 'workflow' and step then
    table.insert(parts, step.id .. ' ' .. (step.agent or ''))
  end
  if run.percent then
    table.insert(parts, run.percent .. '%')
  elseif run.kind == 'agent' then
    table.insert(parts, run.tokens .. ' tokens')
  end
  if run.cancelling then
    table.insert(parts, 'cancelling')
  end
  if #state.active > 1 then
    table.insert(parts, '+' .. (#state.active - 1))
  end
  return table.concat(parts, ' ')
end

--- Fetches the agents and workflows; `callback(agents, workflows)` runs when both have arrived.
function M.fetch_lists(callback)
  local client = ensure_client()
  if not client then
    return
  end
  local agents, workflows
  local function done()
    if agents and workflows then
      state.agents, state.workflows = agents, workflows
      if callback then
        callback(agents, workflows)
      end
    end
  end
  client:request('agents/list', nil, function(_, result)
    agents = result and result.agents or {}
    done()
  end)
  client:request('workflows/list', nil, function(_, result)
    workflows = result and result.workflows or {}
    done()
  end)
end

--- Completion for command arguments: names of agents (kind 'agent') or workflows that start with `lead`.
function M.complete(kind, lead)
  if not state.agents then
    M.fetch_lists()
    vim.wait(2000, function()
      return state.agents ~= nil
    end, 20)
  end
  local names = {}
  for _, item in ipairs((kind == 'agent' and state.agents or state.workflows) or {}) do
    if item.name:sub(1, #lead) == lead then
      table.insert(names, item.name)
    end
  end
  return names
end

--- The text a command's range selects: the visual selection when the range is the last one (charwise
--- for `v`), whole lines otherwise; nil without a range.
function M.selection(opts)
  if not opts or (opts.range or 0) == 0 then
    return nil
  end
  local first, last = vim.fn.getpos("'<"), vim.fn.getpos("'>")
  if vim.fn.visualmode() == 'v' and first[2] == opts.line1 and last[2] == opts.line2 then
    local line = vim.api.nvim_buf_get_lines(0, last[2] - 1, last[2], false)[1] or ''
    local stop = math.min(last[3], #line)
    -- '> points at the first byte of the last character: take the whole character.
    while stop < #line do
      local byte = line:byte(stop + 1)
      if byte < 0x80 or byte >= 0xC0 then
        break
      end
      stop = stop + 1
    end
    return table.concat(vim.api.nvim_buf_get_text(0, first[2] - 1, first[3] - 1, last[2] - 1, stop, {}), '\n')
  end
  return table.concat(vim.api.nvim_buf_get_lines(0, opts.line1 - 1, opts.line2, false), '\n')
end

--- Calls `fn(input)` with `input`, or with what the user types when it is empty.
local function with_input(input, fn)
  if input and input ~= '' then
    fn(input)
    return
  end
  vim.ui.input({ prompt = 'AgentWire input: ' }, function(typed)
    if typed and typed ~= '' then
      fn(typed)
    end
  end)
end

--- `:AgentWireRun` and `:AgentWireWorkflow`: the prompt is the rest of the command line, else the
--- range's text, else asked for.
function M.command(kind, opts)
  local name = opts.fargs[1]
  local prompt = opts.args:match('^%s*%S+%s+(.-)%s*$')
  if not prompt or prompt == '' then
    prompt = M.selection(opts)
  end
  with_input(prompt, function(input)
    start(kind, name, input)
  end)
end

--- `:AgentWireAgents`: picks an agent or a workflow with vim.ui.select, then runs it on the range's
--- text (or asks for the input).
function M.pick(opts)
  local selection = M.selection(opts)
  M.fetch_lists(function(agents, workflows)
    local items = {}
    for _, agent in ipairs(agents) do
      table.insert(items, { kind = 'agent', name = agent.name, description = agent.description })
    end
    for _, workflow in ipairs(workflows) do
      table.insert(items, { kind = 'workflow', name = workflow.name, description = workflow.description })
    end
    vim.ui.select(items, {
      prompt = 'AgentWire',
      format_item = function(item)
        local label = item.kind == 'agent' and item.name or ('workflow ' .. item.name)
        if item.description and item.description ~= '' then
          label = label .. ' - ' .. item.description
        end
        return label
      end,
    }, function(item)
      if item then
        with_input(selection, function(input)
          start(item.kind, item.name, input)
        end)
      end
    end)
  end)
end

--- The connection to the running service (lua/agentwire/client.lua), or nil.
function M.client()
  return state.client
end

--- Shuts the service down (it also exits on its own when Neovim closes its stdin).
function M.stop()
  if state.client then
    state.client:stop()
    state.client = nil
  end
end

return M
