# Charter for Kakoune with kakoune-lsp (kak-lsp) 18 or newer, e.g. 22.
# Policies (*.policy.yaml) and use-case manifests (*.usecases.yaml) get file types of their own,
# charter-policy and charter-usecases, with Kakoune's YAML highlighting and indentation, and the
# `charter lsp` language server. Source this file after `eval %sh{kak-lsp}` (see README.md).

# Detection: these hooks run after yaml.kak's `BufCreate .*[.](ya?ml)`, so they have the last word.
hook global BufCreate .*[.]policy[.]ya?ml %{
    set-option buffer filetype charter-policy
}
hook global BufCreate .*[.]usecases[.]ya?ml %{
    set-option buffer filetype charter-usecases
}

# Highlighting and indentation: what yaml.kak gives the `yaml` file type.
hook global WinSetOption filetype=charter-(?:policy|usecases) %{
    require-module yaml
    add-highlighter window/charter-yaml ref yaml
    hook window ModeChange pop:insert:.* -group charter-yaml yaml-trim-indent
    hook window InsertChar \n -group charter-yaml yaml-insert-on-new-line
    hook window InsertChar \n -group charter-yaml yaml-indent-on-new-line
    hook -once -always window WinSetOption filetype=.* %{
        remove-highlighter window/charter-yaml
        remove-hooks window charter-yaml
    }
}

# The language server. `root_globs` picks the workspace folder, where Charter finds the
# policies a manifest names; with no match kakoune-lsp uses the file's own folder.
hook -group lsp-filetype-charter global BufSetOption filetype=charter-(?:policy|usecases) %{
    set-option buffer lsp_servers %{
        [charter]
        command = "charter"
        args = ["lsp"]
        root_globs = [".git", ".hg", ".jj"]
        # Optional settings, sent as initializationOptions and on workspace/configuration:
        # settings_section = "charter"
        # [charter.settings.charter]
        # policyPaths = ["/path/to/more/policies"]
        # today = "2025-12-01"
    }
}

# Semantic tokens: Charter colours every id by what it names, in the faces below (its token
# types are LSP's standard ones, which kakoune-lsp's default faces mostly leave uncoloured). A
# policy reference to a superseded version is struck through. kakoune-lsp asks for tokens only
# when told to: after the file loads and whenever Kakoune is idle.
hook -group charter-semantic-tokens global BufSetOption filetype=charter-(?:policy|usecases) %{
    set-option buffer lsp_semantic_tokens %{
        [
            {face="DiagnosticTagDeprecated", token="namespace", modifiers=["deprecated"]},
            {face="module", token="namespace"},
            {face="type", token="class"},
            {face="attribute", token="property"},
            {face="value", token="enumMember"},
            {face="builtin", token="interface"},
            {face="function", token="function"},
            {face="variable", token="variable"},
            {face="meta", token="label"},
        ]
    }
    hook -group charter-semantic-tokens buffer NormalIdle .* lsp-semantic-tokens
    hook -group charter-semantic-tokens buffer InsertIdle .* lsp-semantic-tokens
}

# Fix-all: `charter-fix-all` applies every safe fix of the buffer at once (Charter's code action
# `source.fixAll.charter`: misspelt names corrected to the one declared name nearest them).
# To run it on every save, add to your kakrc:
#   hook global BufWritePre .*[.](?:policy|usecases)[.]ya?ml charter-fix-all
define-command charter-fix-all -docstring "charter-fix-all: apply every safe fix of Charter to the buffer" %{
    try %{ lsp-code-actions-sync source.fixAll.charter }
}
