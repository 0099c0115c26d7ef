-- The connection to one `agentwire` process, over Neovim's own JSON-RPC client (`vim.lsp.rpc`,
-- Content-Length framing). Works on Neovim 0.7 and on current releases, whose `rpc.start` takes the
-- command as one list.

local M = {}

local Client = {}
Client.__index = Client

--- Starts `cmd` with `args` and returns a client, or nil and an error message.
--- `handlers.notification(method, params)` and `handlers.exit(code, signal)` run on the main loop.
function M.start(cmd, args, handlers)
  local rpc = vim.lsp.rpc
  local self = setmetatable({ alive = true }, Client)
  local dispatchers = {
    -- vim.lsp.rpc already schedules notifications onto the main loop.
    notification = function(method, params)
      handlers.notification(method, params)
    end,
    -- on_exit runs inside the libuv callback: move it to the main loop.
    on_exit = function(code, signal)
      self.alive = false
      vim.schedule(function()
        handlers.exit(code, signal)
      end)
    end,
    on_error = function(code, err)
      handlers.error(code, err)
    end,
    -- agentwire sends no requests of its own.
    server_request = function()
      return nil, rpc.rpc_response_error(-32601)
    end,
  }
  -- Neovim 0.10 and later take the command as one list; 0.7 to 0.9 take it and its arguments apart.
  -- Each form fails argument validation on the other versions, so the other one is tried second.
  local command = { cmd }
  vim.list_extend(command, args)
  local forms = {
    function()
      return rpc.start(command, dispatchers)
    end,
    function()
      return rpc.start(cmd, args, dispatchers)
    end,
  }
  if vim.fn.has('nvim-0.10') == 0 then
    forms[1], forms[2] = forms[2], forms[1]
  end
  local ok, result = pcall(forms[1])
  if not ok then
    local ok_second, second = pcall(forms[2])
    if ok_second then
      ok, result = true, second
    end
  end
  if not ok or not result then
    return nil, result and tostring(result) or 'the process could not be spawned'
  end
  self.rpc = result
  return self
end

--- Sends a request. `on_result(err, result)` runs on the main loop when an answer other than
--- "cancelled" arrives. `on_reply()` runs on the main loop after any answer, including the -32800
--- that `vim.lsp.rpc` swallows (it treats it as an acknowledgement and never calls `on_result`),
--- and always after `on_result`. Returns the request id, or nil when the process is gone.
function Client:request(method, params, on_result, on_reply)
  if not self.alive then
    return nil
  end
  local notify_reply = nil
  if on_reply then
    -- Called (or, on some versions, scheduled) by the read loop just before vim.lsp.rpc schedules
    -- on_result: two more hops through the event queue put on_reply behind on_result.
    notify_reply = function()
      vim.schedule(function()
        vim.schedule(on_reply)
      end)
    end
  end
  local ok, id = self.rpc.request(method, params, on_result or function() end, notify_reply)
  if not ok then
    return nil
  end
  return id
end

--- Sends a notification. Returns false when the process is gone.
function Client:notify(method, params)
  if not self.alive then
    return false
  end
  return self.rpc.notify(method, params)
end

--- Asks the service to shut down and exit; it also exits when its stdin closes with the editor.
function Client:stop()
  if not self.alive then
    return
  end
  self:request('shutdown', nil, function()
    self:notify('exit', nil)
  end)
end

return M
