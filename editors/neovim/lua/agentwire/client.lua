-- The connection to one `agentwire` process: JSON-RPC 2.0 with Content-Length framing over the
-- process's stdin/stdout, on libuv (`vim.loop`) and `vim.json`. It answers the service's own
-- requests (`permission/request`) whenever the user has chosen, which `vim.lsp.rpc` cannot do on
-- Neovim 0.7: its server-request handler must return the answer at once. It also passes the -32800
-- answer of a cancelled request to the request's callback, which `vim.lsp.rpc` swallows.

local uv = vim.uv or vim.loop

local M = {}

local Client = {}
Client.__index = Client

local decode_options = { luanil = { object = true, array = true } }

--- One message as a Content-Length frame.
local function frame(message)
  local body = vim.json.encode(message)
  return 'Content-Length: ' .. #body .. '\r\n\r\n' .. body
end

--- The service's stderr goes to Neovim's LSP log, as with `vim.lsp.rpc`.
local function log_stderr(cmd, text)
  local ok, log = pcall(require, 'vim.lsp.log')
  if ok and log.error then
    log.error('agentwire', cmd, 'stderr', text)
  end
end

local function close(handle)
  if handle and not handle:is_closing() then
    handle:close()
  end
end

--- Starts `cmd` with `args` and returns a client, or nil and an error message. Handlers, all run on
--- the main loop and in the order the messages arrived:
--- - `notification(method, params)`;
--- - `request(method, params, respond)`: a request of the service; `respond(result)` or
---   `respond(nil, {code, message})` answers it, at once or later (only the first answer counts);
--- - `exit(code, signal)` when the process has ended;
--- - `error(what, detail)` when the output cannot be read.
function M.start(cmd, args, handlers)
  local self = setmetatable({ alive = true, next_id = 0, callbacks = {} }, Client)
  local stdin, stdout, stderr = uv.new_pipe(false), uv.new_pipe(false), uv.new_pipe(false)
  local handle, pid = uv.spawn(cmd, { args = args, stdio = { stdin, stdout, stderr } }, function(code, signal)
    self.alive = false
    self.callbacks = {}
    close(stdin)
    close(stdout)
    close(stderr)
    close(self.handle)
    vim.schedule(function()
      handlers.exit(code, signal)
    end)
  end)
  if not handle then
    close(stdin)
    close(stdout)
    close(stderr)
    return nil, tostring(pid or 'the process could not be spawned')
  end
  self.handle, self.pid, self.stdin = handle, pid, stdin

  local function dispatch(message)
    if type(message) ~= 'table' then
      return
    end
    if type(message.method) == 'string' then
      if message.id == nil then
        handlers.notification(message.method, message.params)
        return
      end
      local answered = false
      handlers.request(message.method, message.params, function(result, err)
        if answered then
          return
        end
        answered = true
        if err then
          self:send({ jsonrpc = '2.0', id = message.id, error = err })
        else
          self:send({ jsonrpc = '2.0', id = message.id, result = result == nil and vim.NIL or result })
        end
      end)
      return
    end
    local callback = message.id ~= nil and self.callbacks[message.id]
    if callback then
      self.callbacks[message.id] = nil
      callback(message.error, message.result)
    end
  end

  -- Runs in libuv's callback: split the frames here, handle them on the main loop, in order.
  local buffer = ''
  stdout:read_start(function(err, chunk)
    if err or not chunk then
      return
    end
    buffer = buffer .. chunk
    while true do
      local header_end = buffer:find('\r\n\r\n', 1, true)
      if not header_end then
        return
      end
      local length = tonumber(buffer:sub(1, header_end - 1):lower():match('content%-length:%s*(%d+)'))
      if not length then
        local header = buffer:sub(1, header_end - 1)
        buffer = buffer:sub(header_end + 4)
        vim.schedule(function()
          handlers.error('frame without Content-Length', header)
        end)
      else
        local body_start = header_end + 4
        if #buffer < body_start + length - 1 then
          return
        end
        local body = buffer:sub(body_start, body_start + length - 1)
        buffer = buffer:sub(body_start + length)
        local ok, message = pcall(vim.json.decode, body, decode_options)
        vim.schedule(function()
          if ok then
            dispatch(message)
          else
            handlers.error('unreadable JSON', body)
          end
        end)
      end
    end
  end)
  stderr:read_start(function(_, chunk)
    if chunk then
      vim.schedule(function()
        log_stderr(cmd, chunk)
      end)
    end
  end)
  return self
end

--- Writes one message; false when the process is gone.
function Client:send(message)
  if not self.alive or self.stdin:is_closing() then
    return false
  end
  self.stdin:write(frame(message))
  return true
end

--- Sends a request. `on_result(err, result)` runs on the main loop with the answer, whatever it is
--- (including the -32800 that answers a `$/cancelRequest`). Returns the request id, or nil when the
--- process is gone.
function Client:request(method, params, on_result)
  if not self.alive then
    return nil
  end
  self.next_id = self.next_id + 1
  local id = self.next_id
  if not self:send({ jsonrpc = '2.0', id = id, method = method, params = params }) then
    return nil
  end
  self.callbacks[id] = on_result or function() end
  return id
end

--- Sends a notification. Returns false when the process is gone.
function Client:notify(method, params)
  return self:send({ jsonrpc = '2.0', method = method, params = params })
end

--- Sends `signal` (default `sigterm`) to the process.
function Client:kill(signal)
  if self.alive and self.handle and not self.handle:is_closing() then
    self.handle:kill(signal or 'sigterm')
  end
end

--- Asks the service to shut down and exit; it also exits when its stdin closes with the editor.
function Client:stop()
  if not self.alive then
    return
  end
  self:request('shutdown', nil, function()
    self:notify('exit', nil)
    if not self.stdin:is_closing() then
      self.stdin:shutdown()
    end
  end)
end

return M
