;;; charter.el --- Major modes and LSP setup for Charter policy and use-case files  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1"))
;; Keywords: languages, tools

;; This file is not part of GNU Emacs.

;;; Commentary:

;; Charter checks usage-policy files (*.policy.yaml, *.policy.yml) and
;; use-case manifests (*.usecases.yaml, *.usecases.yml).  This package
;; gives them two major modes, `charter-policy-mode' and
;; `charter-usecases-mode', derived from `yaml-mode' when it is installed,
;; else `yaml-ts-mode' when its grammar is, else a plain mode with YAML
;; comments; and it registers the language server `charter lsp' with
;; Eglot and, when it is loaded, with lsp-mode.
;;
;;   (add-to-list 'load-path "/path/to/charter/editors/emacs")
;;   (require 'charter)
;;   (add-hook 'charter-policy-mode-hook #'eglot-ensure)
;;   (add-hook 'charter-usecases-mode-hook #'eglot-ensure)
;;
;; See README.md beside this file.

;;; Code:

(defgroup charter nil
  "Charter usage-policy and use-case files."
  :group 'languages
  :prefix "charter-")

(defcustom charter-executable "charter"
  "The `charter' program: a name found on `exec-path', or an absolute file name.
The language server is started as this program with the argument `lsp'."
  :type 'string)

;;;; Major modes

(declare-function treesit-language-available-p "treesit.c")

(defconst charter-parent-mode
  (cond ((or (fboundp 'yaml-mode) (require 'yaml-mode nil t)) 'yaml-mode)
        ((and (fboundp 'yaml-ts-mode)
              (fboundp 'treesit-language-available-p)
              (treesit-language-available-p 'yaml))
         'yaml-ts-mode)
        (t 'prog-mode))
  "The mode Charter's modes derive from: the best YAML mode this Emacs had when
charter.el was loaded (`yaml-mode', else `yaml-ts-mode', else `prog-mode').")

(defvar charter-yaml-mode-syntax-table
  (let ((table (make-syntax-table)))
    ;; Ids such as `high-risk.legal' and `acme@2025-11-01' are one symbol, so that
    ;; completion, `symbol-at-point' and M-. take the whole id.
    (modify-syntax-entry ?- "_" table)
    (modify-syntax-entry ?_ "_" table)
    (modify-syntax-entry ?. "_" table)
    (modify-syntax-entry ?@ "_" table)
    (when (eq charter-parent-mode 'prog-mode)
      ;; No YAML mode to inherit from: comments and quoted strings at least.
      (modify-syntax-entry ?# "<" table)
      (modify-syntax-entry ?\n ">" table)
      (modify-syntax-entry ?\' "\"" table)
      (modify-syntax-entry ?\" "\"" table))
    table)
  "Syntax table of Charter's modes, on top of the YAML mode's own.")

(defvar charter--fallback-font-lock-keywords
  '(("^[ \t]*\\(?:- \\)?\\([^#:\n]+?\\):\\(?:[ \t]\\|$\\)" 1 font-lock-variable-name-face))
  "Keys, for when no YAML mode is installed.")

(defun charter--setup-fallback ()
  "Comments and keys when no YAML mode is installed."
  (setq-local comment-start "# ")
  (setq-local comment-start-skip "#+[ \t]*")
  (setq-local font-lock-defaults '(charter--fallback-font-lock-keywords)))

;; The parent is chosen when this file is loaded, so the mode is defined through `eval'.
(declare-function charter-yaml-mode "charter")
(eval
 `(define-derived-mode charter-yaml-mode ,charter-parent-mode "Charter"
    "Common parent of `charter-policy-mode' and `charter-usecases-mode'.
Derived from the best YAML mode available when charter.el was loaded."
    :syntax-table charter-yaml-mode-syntax-table
    :group 'charter
    (setq-local indent-tabs-mode nil) ; a tab in indentation is a YAML error
    (when (eq charter-parent-mode 'prog-mode)
      (charter--setup-fallback)))
 t)

;;;###autoload
(define-derived-mode charter-policy-mode charter-yaml-mode "Charter-Policy"
  "Major mode for Charter usage-policy files (*.policy.yaml).
With Eglot or lsp-mode, `charter lsp' checks the file as you type."
  :group 'charter)

;;;###autoload
(define-derived-mode charter-usecases-mode charter-yaml-mode "Charter-Usecases"
  "Major mode for Charter use-case manifests (*.usecases.yaml).
With Eglot or lsp-mode, `charter lsp' checks the file as you type."
  :group 'charter)

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.policy\\.ya?ml\\'" . charter-policy-mode))
;;;###autoload
(add-to-list 'auto-mode-alist '("\\.usecases\\.ya?ml\\'" . charter-usecases-mode))

;;;; Language server
;;
;; The server's settings (`policyPaths', `today') come from `workspace/configuration',
;; section `charter': with Eglot, `eglot-workspace-configuration' (see README.md).

(defun charter-server-command (&optional _interactive)
  "The command that starts the language server: `charter-executable' and `lsp'."
  (list charter-executable "lsp"))

(with-eval-after-load 'eglot
  (defvar eglot-server-programs)
  (add-to-list 'eglot-server-programs
               '(((charter-policy-mode :language-id "charter-policy")
                  (charter-usecases-mode :language-id "charter-usecases"))
                 . charter-server-command)))

;;;; Fix-all

(declare-function eglot-code-actions "ext:eglot")
(declare-function eglot-current-server "ext:eglot")

(defun charter-fix-all ()
  "Apply every safe fix of Charter to the buffer: its code action `source.fixAll.charter'.
Safe fixes correct a misspelt name to the one declared name nearest to it; the fixes that
want a decision (add owed safeguards, move to a newer policy version) stay with
`eglot-code-actions'.  Quiet when there is nothing to fix, so that it can run from
`before-save-hook'."
  (interactive)
  (when (and (fboundp 'eglot-current-server) (eglot-current-server)
             (eglot-code-actions (point-min) (point-max) "source.fixAll.charter"))
    ;; Asked once more to apply it: the one way to run an action that every Eglot has.
    (eglot-code-actions (point-min) (point-max) "source.fixAll.charter" t)))

(declare-function lsp-register-client "ext:lsp-mode")
(declare-function make-lsp-client "ext:lsp-mode")
(declare-function lsp-stdio-connection "ext:lsp-mode")
(declare-function lsp-activate-on "ext:lsp-mode")

(with-eval-after-load 'lsp-mode
  (defvar lsp-language-id-configuration)
  (add-to-list 'lsp-language-id-configuration '(charter-policy-mode . "charter-policy"))
  (add-to-list 'lsp-language-id-configuration '(charter-usecases-mode . "charter-usecases"))
  (lsp-register-client
   (make-lsp-client
    :new-connection (lsp-stdio-connection #'charter-server-command)
    :activation-fn (lsp-activate-on "charter-policy" "charter-usecases")
    :server-id 'charter)))

(provide 'charter)
;;; charter.el ends here
