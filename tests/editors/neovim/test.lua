-- Drives a real Neovim against `charter lsp` through editors/neovim (see run.sh):
--   nvim --clean --headless -n --cmd 'set rtp^=<repo>/editors/neovim' -l test.lua <workspace>
-- <workspace> is a scratch copy of examples/. Exits 1 with a message at the first miss.

local dir = assert(_G.arg[1], 'usage: test.lua <copy of examples/>')
local TIMEOUT = 20000

local function fail(msg)
  io.stderr:write('FAIL: ' .. msg .. '\n')
  os.exit(1)
end
local function ok(msg)
  io.stdout:write('ok: ' .. msg .. '\n')
end

if vim.fn.executable('charter') ~= 1 then
  fail('`charter` is not on PATH')
end

-- Opening the manifest: file type, YAML highlighting, Charter attached.
local path = dir .. '/support-bot.usecases.yaml'
vim.cmd.edit(vim.fn.fnameescape(path))
local buf = vim.api.nvim_get_current_buf()
if vim.bo[buf].filetype ~= 'yaml.charter-usecases' then
  fail('filetype is `' .. vim.bo[buf].filetype .. '`, expected `yaml.charter-usecases`')
end
ok('filetype yaml.charter-usecases')
if vim.b[buf].current_syntax ~= 'yaml' then
  fail('YAML syntax not loaded (b:current_syntax = ' .. tostring(vim.b[buf].current_syntax) .. ')')
end
ok('YAML syntax highlighting loaded')
if vim.filetype.match({ filename = dir .. '/acme.policy.yaml' }) ~= 'yaml.charter-policy' then
  fail('acme.policy.yaml is not detected as yaml.charter-policy')
end
ok('filetype yaml.charter-policy for *.policy.yaml')

local client
vim.wait(TIMEOUT, function()
  client = vim.lsp.get_clients({ bufnr = buf, name = 'charter' })[1]
  return client ~= nil and client.initialized
end, 50)
if not client then
  fail('the charter client did not attach to ' .. path)
end
ok(('charter attached (%s %s, root %s)'):format(
  client.server_info and client.server_info.name or '?',
  client.server_info and client.server_info.version or '?',
  tostring(client.root_dir)
))

local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
--- 0-based line and byte column of the first occurrence of `needle`.
local function find(needle)
  for i, l in ipairs(lines) do
    local col = l:find(needle, 1, true)
    if col then
      return i - 1, col - 1
    end
  end
  fail('`' .. needle .. '` not in ' .. path)
end

-- Pulled or pushed, whichever the server chose: Charter pulls only with a client that declares
-- `workspace.diagnostics.refreshSupport` (Neovim 0.11 does not), so read both namespaces.
local function diags()
  local all = {}
  for _, pulled in ipairs({ true, false }) do
    local namespace = vim.lsp.diagnostic.get_namespace(client.id, pulled)
    vim.list_extend(all, vim.diagnostic.get(buf, { namespace = namespace }))
  end
  return all
end
local function find_diag(code, lnum)
  for _, d in ipairs(diags()) do
    if d.code == code and (lnum == nil or d.lnum == lnum) then
      return d
    end
  end
end
local function describe()
  local out = {}
  for _, d in ipairs(diags()) do
    out[#out + 1] = ('  %d:%d %s %s'):format(d.lnum + 1, d.col + 1, tostring(d.code), d.message)
  end
  return #out == 0 and '  (none)' or table.concat(out, '\n')
end

-- Diagnostics, each a SPEC §4 code on the line that carries it.
local warranty_line = find('id: warranty-rights-advice')
local scanner_line = find('cyber.vulnerability-discovery')
local typo_line = find('high-risk.finacial')
vim.wait(TIMEOUT, function()
  return find_diag('missing-safeguard', warranty_line) ~= nil
    and find_diag('unknown-category', typo_line) ~= nil
end, 50)
for _, want in ipairs({
  { 'missing-safeguard', warranty_line },
  { 'prohibited-use', scanner_line },
  { 'unknown-category', typo_line },
}) do
  local d = find_diag(want[1], want[2])
  if not d then
    fail(('no `%s` on line %d; diagnostics:\n%s'):format(want[1], want[2] + 1, describe()))
  end
  ok(('%s at %d:%d: %s'):format(want[1], d.lnum + 1, d.col + 1, d.message))
end
local unknown = find_diag('unknown-category', typo_line)
if not unknown.message:find('high-risk.financial', 1, true) then
  fail('unknown-category does not suggest `high-risk.financial`: ' .. unknown.message)
end

--- One request to Charter; fails on an error or no answer.
local function request(method, params)
  local responses, err = vim.lsp.buf_request_sync(buf, method, params, TIMEOUT)
  if not responses then
    fail(method .. ': no answer (' .. tostring(err) .. ')')
  end
  local response = responses[client.id]
  if not response then
    fail(method .. ': no answer from charter')
  end
  if response.err then
    fail(method .. ': error ' .. vim.inspect(response.err))
  end
  return response.result
end
local uri = vim.uri_from_bufnr(buf)
-- The example files are ASCII, so byte columns are UTF-8, UTF-16 and UTF-32 columns alike.
local function at(line, col)
  return { textDocument = { uri = uri }, position = { line = line, character = col } }
end

-- Hover on a category of the bundled policy: its section, quoted.
local legal_line, legal_col = find('high-risk.legal')
local hover = request('textDocument/hover', at(legal_line, legal_col + 3))
local contents = hover and hover.contents
local text = type(contents) == 'table' and (contents.value or vim.inspect(contents)) or tostring(contents)
for _, needle in ipairs({ 'high-risk.legal', 'High-Risk Use Case Requirements', 'public welfare' }) do
  if not text:find(needle, 1, true) then
    fail(('hover on high-risk.legal lacks %q:\n%s'):format(needle, text))
  end
end
ok('hover quotes the bundled section "High-Risk Use Case Requirements"')

-- Completion right after `categories: [`: the category ids in scope.
local bracket_line, bracket_col = find('categories: [high-risk.legal')
local completion = request('textDocument/completion', at(bracket_line, bracket_col + #'categories: ['))
local items = completion and (completion.items or completion) or {}
local labels = {}
for _, item in ipairs(items) do
  labels[#labels + 1] = item.label
end
if not vim.tbl_contains(labels, 'high-risk.legal') then
  fail('completion after `categories: [` does not offer high-risk.legal; got: ' .. vim.inspect(labels))
end
ok(('completion offers high-risk.legal (%d items)'):format(#labels))

-- Document highlight, as `vim.lsp.buf.document_highlight()` shows it (bound to CursorHold in many
-- configs): every `audit-log` of the manifest lights up as a reference (the declaration is in
-- acme.policy.yaml).
local audit_line, audit_col = find('audit-log')
local audit_count = 0
for _, l in ipairs(lines) do
  local from = 1
  while true do
    local s, e = l:find('audit-log', from, true)
    if not s then
      break
    end
    audit_count, from = audit_count + 1, e + 1
  end
end
vim.api.nvim_win_set_cursor(0, { audit_line + 1, audit_col + 2 })
vim.lsp.buf.document_highlight()
local function lit()
  local found = {}
  for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(buf, -1, 0, -1, { details = true })) do
    local group = mark[4].hl_group
    if group == 'LspReferenceRead' or group == 'LspReferenceWrite' or group == 'LspReferenceText' then
      found[#found + 1] = { line = mark[2], col = mark[3], group = group }
    end
  end
  return found
end
vim.wait(TIMEOUT, function()
  return #lit() == audit_count
end, 50)
local marks = lit()
if #marks ~= audit_count then
  fail(('document highlight: %d marks for %d `audit-log`s: %s'):format(#marks, audit_count, vim.inspect(marks)))
end
for _, mark in ipairs(marks) do
  local word = lines[mark.line + 1]:sub(mark.col + 1, mark.col + #'audit-log')
  if word ~= 'audit-log' or mark.group ~= 'LspReferenceRead' then
    fail('document highlight marks ' .. vim.inspect(mark) .. ' on `' .. word .. '`')
  end
end
ok(('document highlight: %d `audit-log` references, read'):format(#marks))
vim.lsp.buf.clear_references()

-- Folding through `vim.lsp.foldexpr()`, which asks for folding ranges: the header comment folds,
-- and a use case's fold ends on its last line, leaving the blank line after it to `use-cases:`.
vim.wo.foldmethod = 'expr'
vim.wo.foldexpr = 'v:lua.vim.lsp.foldexpr()'
local first_case = find('id: refund-triage')
-- The use case's last line: the one before the blank line that ends it (0-based, as `find`).
local last_of_case = first_case
while lines[last_of_case + 2] ~= '' do
  last_of_case = last_of_case + 1
end
vim.wait(TIMEOUT, function()
  return vim.fn.foldlevel(first_case + 1) >= 2
end, 50)
local levels = {
  comment = vim.fn.foldlevel(1),
  case = vim.fn.foldlevel(last_of_case + 1),
  after = vim.fn.foldlevel(last_of_case + 2),
}
if levels.comment < 1 or levels.case ~= 2 or levels.after ~= 1 then
  fail('fold levels (header comment, last line of a use case, blank line after it): ' .. vim.inspect(levels))
end
ok(('folding: header comment level %d, use case to line %d level %d, the blank line after level %d'):format(
  levels.comment, last_of_case + 1, levels.case, levels.after))

-- Quick fix on the missing safeguard, applied like a user would, then re-checked.
local missing = find_diag('missing-safeguard', warranty_line)
local lsp_diag = missing.user_data and missing.user_data.lsp
local actions = request('textDocument/codeAction', {
  textDocument = { uri = uri },
  range = lsp_diag.range,
  context = { diagnostics = { lsp_diag }, only = { 'quickfix' } },
}) or {}
local fix
for _, action in ipairs(actions) do
  if action.title and action.title:find('ai-disclosure', 1, true) then
    fix = action
  end
end
if not fix then
  fail('no quick fix naming ai-disclosure; got: ' .. vim.inspect(actions))
end
if not fix.edit and client:supports_method('codeAction/resolve') then
  fix = request('codeAction/resolve', fix)
end
if not fix.edit then
  fail('the quick fix `' .. fix.title .. '` carries no edit: ' .. vim.inspect(fix))
end
ok('quick fix: ' .. fix.title)
vim.lsp.util.apply_workspace_edit(fix.edit, client.offset_encoding)
lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
local safeguards_line = find('safeguards: [human-in-the-loop, ai-disclosure]')
ok(('edited line %d: %s'):format(safeguards_line + 1, lines[safeguards_line + 1]))

-- The fresh diagnostics: the missing safeguard is gone, the other problems stay.
vim.wait(TIMEOUT, function()
  return find_diag('missing-safeguard') == nil and find_diag('unknown-category', typo_line) ~= nil
end, 50)
if find_diag('missing-safeguard') then
  fail('missing-safeguard is still reported after the quick fix:\n' .. describe())
end
if not find_diag('unknown-category', typo_line) or not find_diag('prohibited-use', scanner_line) then
  fail('after the quick fix the other problems are not reported:\n' .. describe())
end
ok('after the fix: missing-safeguard gone, prohibited-use and unknown-category remain')

os.exit(0)
