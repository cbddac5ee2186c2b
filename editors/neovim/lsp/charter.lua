-- Charter language server: usage-policy files (*.policy.yaml) and use-case manifests
-- (*.usecases.yaml). Read by Neovim 0.11's `vim.lsp.config`; start it with
-- `vim.lsp.enable('charter')` (plugin/charter.lua does that for you).

---@type vim.lsp.Config
return {
  cmd = { 'charter', 'lsp' },
  -- Set by plugin/charter.lua: YAML highlighting comes from the `yaml` part.
  filetypes = { 'yaml.charter-policy', 'yaml.charter-usecases' },
  -- The workspace folder is where Charter looks for the policies a manifest names: the
  -- repository (`.git`, `.hg`, `.jj`), or else the file's own folder.
  root_dir = function(bufnr, on_dir)
    local root = vim.fs.root(bufnr, { '.git', '.hg', '.jj' })
    on_dir(root or vim.fs.dirname(vim.api.nvim_buf_get_name(bufnr)))
  end,
  -- Charter's settings are optional; set them with `vim.lsp.config('charter', { settings =
  -- { charter = { policyPaths = { '/more/policies' }, today = '2025-12-01' } } })`.
}
