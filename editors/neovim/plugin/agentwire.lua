-- User commands of AgentWire for Neovim (the plug-in itself is lua/agentwire/init.lua).
if vim.g.loaded_agentwire then
  return
end
vim.g.loaded_agentwire = 1

local function agentwire()
  return require('agentwire')
end

--- Completes the first argument only: agent or workflow names.
local function completer(kind)
  return function(lead, line)
    local typed = line:gsub('^%S*%s*', '', 1)
    if typed:find('%s') then
      return {}
    end
    return agentwire().complete(kind, lead)
  end
end

vim.api.nvim_create_user_command('AgentWireRun', function(opts)
  agentwire().command('agent', opts)
end, {
  nargs = '+',
  range = true,
  complete = completer('agent'),
  desc = 'Run an AgentWire agent on the prompt or the selection',
})

vim.api.nvim_create_user_command('AgentWireWorkflow', function(opts)
  agentwire().command('workflow', opts)
end, {
  nargs = '+',
  range = true,
  complete = completer('workflow'),
  desc = 'Run an AgentWire workflow on the input or the selection',
})

vim.api.nvim_create_user_command('AgentWireCancel', function(opts)
  if opts.bang then
    agentwire().cancel_all()
  else
    agentwire().cancel()
  end
end, { bang = true, desc = 'Cancel the newest AgentWire run (! cancels all)' })

vim.api.nvim_create_user_command('AgentWireAgents', function(opts)
  agentwire().pick(opts)
end, { range = true, desc = 'Pick an AgentWire agent or workflow and run it' })

vim.api.nvim_create_autocmd('VimLeavePre', {
  group = vim.api.nvim_create_augroup('agentwire', { clear = true }),
  callback = function()
    if package.loaded['agentwire'] then
      require('agentwire').stop()
    end
  end,
})
