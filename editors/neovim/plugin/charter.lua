-- Charter for Neovim 0.11+: file types for policies and manifests, and the language server.
if vim.g.loaded_charter then
  return
end
vim.g.loaded_charter = true

-- Compound file types: Neovim loads the syntax, indent, ftplugin and tree-sitter parser of the
-- first part (`yaml`), so YAML highlighting stays; the second part tells Charter's files apart.
vim.filetype.add({
  pattern = {
    ['.*%.policy%.ya?ml'] = 'yaml.charter-policy',
    ['.*%.usecases%.ya?ml'] = 'yaml.charter-usecases',
  },
})

-- Start `charter lsp` on those files (the configuration is lsp/charter.lua). Set
-- `vim.g.charter_lsp = false` before this plugin loads to start it yourself, e.g. through
-- nvim-lspconfig.
if vim.g.charter_lsp ~= false and vim.fn.has('nvim-0.11') == 1 then
  vim.lsp.enable('charter')
end
