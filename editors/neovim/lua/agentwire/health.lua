-- `:checkhealth agentwire`: is the agentwire binary there, which version is it, and does it accept
-- the config the plug-in would start it with.

local M = {}

-- Neovim 0.9 and later have vim.health.start/ok/…; 0.7 and 0.8 only the report_* names.
local function reporter()
  local health = vim.health
  if not (health and health.start) then
    local ok, legacy = pcall(require, 'health')
    health = ok and legacy or health
  end
  return {
    start = health.start or health.report_start,
    ok = health.ok or health.report_ok,
    info = health.info or health.report_info,
    warn = health.warn or health.report_warn,
    error = health.error or health.report_error,
  }
end

--- Runs `argv` and returns its exit status and its output (stdout and stderr), trimmed.
local function run(argv)
  local output = vim.fn.system(argv)
  return vim.v.shell_error, vim.trim(output or '')
end

--- The last line of `text` that starts with "Error:", else its last line.
local function error_line(text)
  local found
  for _, line in ipairs(vim.split(text, '\n', { plain = true })) do
    if line:match('^Error:') then
      found = line
    end
  end
  return found or text:match('([^\n]*)$') or text
end

function M.check()
  local agentwire = require('agentwire')
  local report = reporter()
  local config = agentwire.config

  report.start('agentwire: binary')
  local cmd = vim.fn.expand(config.cmd or 'agentwire')
  local path = vim.fn.exepath(cmd)
  if path == '' then
    report.error(string.format('%s not found (not executable, or not on $PATH)', cmd), {
      'Build it with `swift build -c release` and put .build/release/agentwire on $PATH,',
      "or set cmd in require('agentwire').setup({ cmd = '/path/to/agentwire' }).",
    })
    return
  end
  report.ok('agentwire found: ' .. path)

  local status, version = run({ path, '--version' })
  if status ~= 0 or version == '' then
    report.error(string.format('`%s --version` failed (exit status %d): %s', path, status, version))
  elseif version ~= agentwire.version then
    report.warn(
      string.format('agentwire %s; this plug-in is %s', version, agentwire.version),
      { 'Use the plug-in of the same release as the binary (editors/neovim in its repository).' }
    )
  else
    report.ok(string.format('version %s (the plug-in is %s)', version, agentwire.version))
  end

  report.start('agentwire: config')
  local argv = { path, 'agents', '--json', '--log-level', 'error' }
  local where
  if config.config then
    local file = vim.fn.expand(config.config)
    vim.list_extend(argv, { '--config', file })
    where = file .. ' (setup option config)'
  elseif vim.fn.filereadable('agentwire.json') == 1 then
    where = vim.fn.fnamemodify('agentwire.json', ':p') .. ' (in the current directory)'
  else
    where = "agentwire's default (~/.config/agentwire/config.json if present, else the built-in agents)"
  end
  report.info('config: ' .. where)
  local config_status, output = run(argv)
  if config_status ~= 0 then
    report.error('the config is not valid: ' .. error_line(output), {
      'Fix the file (schemas/config.schema.json describes it; docs/CONFIG.md explains it),',
      "or point setup({ config = ... }) at another one.",
    })
    return
  end
  local ok, listed = pcall(vim.json.decode, output)
  if not ok or type(listed) ~= 'table' or type(listed.agents) ~= 'table' then
    report.error('`agentwire agents --json` printed something else than JSON: ' .. output:sub(1, 200))
    return
  end
  local names = {}
  for _, agent in ipairs(listed.agents) do
    table.insert(names, agent.name)
  end
  report.ok(string.format('the config is valid: %d agents (%s)', #names, table.concat(names, ', ')))

  local client = agentwire.client()
  if client and client.alive then
    report.info(string.format('the service is running (pid %s)', tostring(client.pid)))
  else
    report.info('the service is not running (it starts with the first command)')
  end
end

return M
