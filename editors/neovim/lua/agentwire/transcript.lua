-- The scratch buffer a run streams into. Its text follows the layout every AgentWire editor
-- integration shares (editors/README.md): a title line, step lines `[stepId] name: status` as they
-- happen, token text as it arrives, and a closing `-- done --`, `-- cancelled --` or `-- error … --`.

local M = {}

local Transcript = {}
Transcript.__index = Transcript

local count = 0

--- Creates a scratch buffer named after `name`, whose first line is `title`.
function M.new(title, name)
  count = count + 1
  local buf = vim.api.nvim_create_buf(false, true)
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'hide'
  vim.bo[buf].swapfile = false
  pcall(vim.api.nvim_buf_set_name, buf, string.format('agentwire://%d/%s', count, name))
  vim.bo[buf].filetype = 'agentwire'
  local self = setmetatable({ buf = buf, at_line_start = true, stream = nil }, Transcript)
  self:line(title)
  return self
end

--- Appends `text` at the end of the buffer, keeping the cursor of every window that was at the end
--- there (so the window follows the stream).
function Transcript:append(text)
  if text == '' then
    return
  end
  local buf = self.buf
  if not vim.api.nvim_buf_is_valid(buf) then
    return
  end
  local count_before = vim.api.nvim_buf_line_count(buf)
  local following = {}
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_buf(win) == buf and vim.api.nvim_win_get_cursor(win)[1] == count_before then
      table.insert(following, win)
    end
  end
  local last = vim.api.nvim_buf_get_lines(buf, -2, -1, false)[1] or ''
  local parts = vim.split(text, '\n', { plain = true })
  parts[1] = last .. parts[1]
  vim.bo[buf].modifiable = true
  vim.api.nvim_buf_set_lines(buf, -2, -1, false, parts)
  vim.bo[buf].modifiable = false
  local count_after = vim.api.nvim_buf_line_count(buf)
  for _, win in ipairs(following) do
    pcall(vim.api.nvim_win_set_cursor, win, { count_after, 0 })
  end
  self.at_line_start = text:sub(-1) == '\n'
end

--- Writes `text` as a line of its own.
function Transcript:line(text)
  if not self.at_line_start then
    self:append('\n')
  end
  self:append(text .. '\n')
  self.stream = nil
end

--- Streams a token of step `step_id`; a token of another step than the last one starts a new line.
function Transcript:token(step_id, text)
  if self.stream ~= step_id and not self.at_line_start then
    self:append('\n')
  end
  self.stream = step_id
  self:append(text)
end

--- A `run/step` notification.
function Transcript:step(params)
  self:line(string.format('[%s] %s: %s', params.stepId, params.name or params.agent or '', params.status))
end

--- A `run/thinking` notification.
function Transcript:thinking(params)
  self:line(string.format('[%s] thinking: %s', params.stepId, params.text))
end

--- Closes the transcript. `outcome` is `done`, `cancelled` or `error`; `output` (workflows) is shown
--- under `-- output --`; `message` explains an error.
function Transcript:finish(outcome, output, message)
  if output then
    self:line('-- output --')
    self:append(output)
  end
  if outcome == 'error' then
    self:line('-- error: ' .. (message or 'unknown') .. ' --')
  else
    self:line('-- ' .. outcome .. ' --')
  end
end

--- The buffer's text, lines joined with newlines.
function Transcript:text()
  return table.concat(vim.api.nvim_buf_get_lines(self.buf, 0, -1, false), '\n')
end

return M
