;;; test.el --- Charter's Emacs client in a real Emacs  -*- lexical-binding: t; -*-

;; Run by run.sh as `emacs --batch -Q -l test.el', with CHARTER_EMACS_DIR (editors/emacs) and
;; CHARTER_EXAMPLES (a copy of examples/) in the environment and `charter' on PATH.
;;
;; It sets Emacs up as editors/emacs/README.md tells a user to (charter.el loaded, `eglot-ensure'
;; on the mode hooks), opens the example manifest, lets Eglot start `charter lsp', and checks
;; what the user sees: Flymake's diagnostics, the hover text Eldoc shows, and what
;; `completion-at-point' offers.  Any miss prints "emacs: FAIL: ..." and exits 1.

(require 'cl-lib)
(require 'subr-x)

;;;; Harness

(defvar charter-test-passed 0)
(defvar charter-test-timeout 60
  "Seconds to wait for any one thing from the server.")

(defun charter-test--server-log ()
  "The tail of Eglot's events buffer and of the server's stderr, for a failure report."
  (mapconcat
   (lambda (buffer)
     (with-current-buffer buffer
       (format "----- %s (last 4000 characters)\n%s\n" (buffer-name)
               (buffer-substring-no-properties (max (point-min) (- (point-max) 4000))
                                               (point-max)))))
   (cl-remove-if-not (lambda (b) (string-match-p "EGLOT" (buffer-name b))) (buffer-list))
   ""))

(defun charter-test-fail (format-string &rest args)
  "Print what went wrong, the server's log, and exit 1."
  (message "%s" (charter-test--server-log))
  (message "emacs: FAIL: %s" (apply #'format format-string args))
  (message "emacs: %d passed, 1 failed" charter-test-passed)
  (kill-emacs 1))

(defun charter-test-ok (format-string &rest args)
  (cl-incf charter-test-passed)
  (message "emacs: ok: %s" (apply #'format format-string args)))

(defun charter-test-wait (what predicate)
  "Let Emacs run (process output, timers) until PREDICATE returns non-nil; return that.
Fail naming WHAT after `charter-test-timeout' seconds."
  (let ((deadline (+ (float-time) charter-test-timeout))
        value)
    (while (not (setq value (funcall predicate)))
      (when (> (float-time) deadline)
        (charter-test-fail "no %s after %d s" what charter-test-timeout))
      (accept-process-output nil 0.1))
    value))

(defun charter-test-goto (regexp &optional group)
  "Put point at the start of GROUP (default 0) of the first match of REGEXP."
  (goto-char (point-min))
  (unless (re-search-forward regexp nil t)
    (charter-test-fail "the example manifest no longer contains %S" regexp))
  (goto-char (match-beginning (or group 0))))

;;;; Setup, as editors/emacs/README.md tells a user

;; `-Q' leaves Debian's site-lisp folders out, so package.el does not see the elpa-* packages
;; (eglot, yaml-mode); activate them here as a normal start would.
(require 'package)
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(package-initialize)

(let ((dir (or (getenv "CHARTER_EMACS_DIR") (error "CHARTER_EMACS_DIR is not set"))))
  (add-to-list 'load-path dir))
(require 'charter)
(add-hook 'charter-policy-mode-hook #'eglot-ensure)
(add-hook 'charter-usecases-mode-hook #'eglot-ensure)

(defun charter-test-run ()
  (let* ((examples (file-name-as-directory (getenv "CHARTER_EXAMPLES")))
         (manifest (expand-file-name "support-bot.usecases.yaml" examples)))
    (message "emacs: Emacs %s, eglot %s, parent mode %s"
             emacs-version
             (let ((desc (cadr (assq 'eglot package-alist))))
               (if desc (package-version-join (package-desc-version desc)) "built in"))
             charter-parent-mode)

    ;; 1. The file patterns pick the modes.
    (dolist (case '(("acme.policy.yaml" . charter-policy-mode)
                    ("x.policy.yml" . charter-policy-mode)
                    ("support-bot.usecases.yaml" . charter-usecases-mode)
                    ("x.usecases.yml" . charter-usecases-mode)))
      (let ((mode (assoc-default (car case) auto-mode-alist #'string-match)))
        (unless (eq mode (cdr case))
          (charter-test-fail "%s opens in %s, not %s" (car case) mode (cdr case)))))
    (charter-test-ok "auto-mode-alist maps *.policy.y{a,}ml and *.usecases.y{a,}ml to Charter's modes")

    ;; 2. Open the manifest in the selected window (Flymake and Eldoc act on shown buffers).
    ;; `eglot-ensure' on the mode hook waits for the end of the command; batch Emacs has no
    ;; command loop, so end the "command" here.
    (find-file manifest)
    (unless (eq major-mode 'charter-usecases-mode)
      (charter-test-fail "%s opened in %s" manifest major-mode))
    (run-hooks 'post-command-hook)
    (charter-test-wait "Eglot connection (is `charter' on PATH?)"
                       (lambda () (and (bound-and-true-p eglot--managed-mode)
                                       (eglot-current-server))))
    (let ((server (eglot-current-server)))
      (charter-test-ok "eglot-ensure started `%s', serverInfo %S"
                       (string-join (process-command (jsonrpc--process server)) " ")
                       (eglot--server-info server)))

    ;; 3. Diagnostics in Flymake: all three deliberate problems, each on its own node.
    (charter-test-wait "Flymake diagnostics from Charter"
                       (lambda () (cl-some (lambda (d) (string-match-p "missing-safeguard"
                                                                       (flymake-diagnostic-text d)))
                                           (flymake-diagnostics))))
    (dolist (expect '(("missing-safeguard" "- id: \\(warranty-rights-advice\\)" "warranty-rights-advice")
                      ("prohibited-use" "categories: \\[\\(cyber\\.vulnerability-discovery\\)\\]"
                       "cyber.vulnerability-discovery")
                      ("unknown-category" "categories: \\[\\(high-risk\\.finacial\\)\\]"
                       "high-risk.financial")))
      (cl-destructuring-bind (code regexp mentions) expect
        (charter-test-goto regexp 1)
        (let* ((line (line-number-at-pos))
               (column (current-column))
               (diag (cl-find-if (lambda (d) (string-match-p (regexp-quote code)
                                                             (flymake-diagnostic-text d)))
                                 (flymake-diagnostics))))
          (unless diag
            (charter-test-fail "no `%s' among Flymake's diagnostics: %S" code
                               (mapcar #'flymake-diagnostic-text (flymake-diagnostics))))
          (let* ((text (flymake-diagnostic-text diag))
                 (beg (flymake-diagnostic-beg diag))
                 (diag-line (line-number-at-pos beg))
                 (diag-column (save-excursion (goto-char beg) (current-column))))
            (unless (and (= diag-line line) (= diag-column column))
              (charter-test-fail "`%s' is at %d:%d, expected %d:%d (%s)"
                                 code diag-line (1+ diag-column) line (1+ column) text))
            (unless (string-match-p (regexp-quote mentions) text)
              (charter-test-fail "`%s' message does not name %s: %s" code mentions text))
            (unless (eq (flymake-diagnostic-type diag) 'eglot-error)
              (charter-test-fail "`%s' is a %s, not an error" code (flymake-diagnostic-type diag)))
            (charter-test-ok "Flymake shows %d:%d %s" line (1+ column) text)))))

    ;; 4. Hover, through the function Eldoc calls, on `high-risk.legal'.
    (charter-test-goto "categories: \\[high-risk\\.\\(legal\\)\\]" 1)
    (let (hover)
      (unless (memq #'eglot-hover-eldoc-function eldoc-documentation-functions)
        (charter-test-fail "Eglot did not add its hover to eldoc-documentation-functions"))
      (eglot-hover-eldoc-function (lambda (info &rest _) (setq hover (or info "")) t))
      (charter-test-wait "hover answer" (lambda () hover))
      (unless (string-match-p "High-Risk Use Case Requirements" hover)
        (charter-test-fail "hover on high-risk.legal lacks \"High-Risk Use Case Requirements\": %S" hover))
      (charter-test-ok "Eldoc hover on high-risk.legal quotes the section: %S"
                       (truncate-string-to-width (replace-regexp-in-string "\n+" " | " (substring-no-properties hover)) 160)))

    ;; 5. M-. on `high-risk.legal' leads into the bundled policy, written out as a file.
    (charter-test-goto "categories: \\[high-risk\\.\\(legal\\)\\]" 1)
    (let* ((xref-backend (xref-find-backend))
           (items (and (eq xref-backend 'eglot)
                       (xref-backend-definitions
                        'eglot (xref-backend-identifier-at-point 'eglot))))
           (location (and items (xref-item-location (car items))))
           (file (and location (xref-location-group location))))
      (unless (eq xref-backend 'eglot)
        (charter-test-fail "M-. uses the xref backend %S, not eglot" xref-backend))
      (unless (and file (file-readable-p file))
        (charter-test-fail "no readable definition of high-risk.legal: %S" items))
      (let ((line (with-current-buffer (find-file-noselect file)
                    (save-excursion
                      (goto-char (point-min))
                      (forward-line (1- (xref-location-line location)))
                      (buffer-substring-no-properties (line-beginning-position)
                                                      (line-end-position))))))
        (unless (string-match-p "high-risk\\.legal" line)
          (charter-test-fail "definition of high-risk.legal is %s:%d: %S"
                             file (xref-location-line location) line))
        (charter-test-ok "M-. on high-risk.legal goes to %s:%d: %s"
                         (abbreviate-file-name file) (xref-location-line location)
                         (string-trim line))))

    ;; 6. Completion inside `categories: [high-risk.' on a new use case.
    (goto-char (point-max))
    (unless (bolp) (insert "\n"))
    (insert "\n  - id: completion-probe\n    categories: [high-risk.")
    (save-excursion (insert "]\n"))
    (let ((retries 0) candidates)
      (while (progn
               (eglot--signal-textDocument/didChange) ; an idle timer's job in an interactive Emacs
               (let* ((capf (run-hook-wrapped 'completion-at-point-functions
                                              (lambda (f) (and (functionp f) (funcall f)))))
                      (start (nth 0 capf))
                      (end (nth 1 capf))
                      (table (nth 2 capf)))
                 (unless capf
                   (charter-test-fail "no completion-at-point function answered"))
                 (setq candidates
                       (all-completions (buffer-substring-no-properties start end) table)))
               (and (not (member "high-risk.legal" candidates))
                    (< (cl-incf retries) 20)))
        (accept-process-output nil 0.5))
      (unless (member "high-risk.legal" candidates)
        (charter-test-fail "completion after `categories: [high-risk.' offers %S, not high-risk.legal"
                           candidates))
      (charter-test-ok "completion-at-point after `categories: [high-risk.' offers %s"
                       (string-join (mapcar #'substring-no-properties candidates) " ")))

    ;; 7. Complete a typed prefix the way a user does: `high-risk.leg' + C-M-i.  (Eglot puts its
    ;; candidates under the `flex' style first, and under `flex' `high-risk.le' also matches
    ;; `high-risk.employment'; `high-risk.leg' matches only `high-risk.legal'.)
    (let ((end (line-end-position)))
      (delete-region (line-beginning-position) end))
    (insert "    categories: [high-risk.leg")
    (save-excursion (insert "]"))
    (eglot--signal-textDocument/didChange)
    (let ((completion-auto-help nil))
      (completion-at-point))
    (let ((line (buffer-substring-no-properties (line-beginning-position) (line-end-position))))
      (unless (string= line "    categories: [high-risk.legal]")
        (charter-test-fail "completion-at-point on `high-risk.leg' left %S" line))
      (charter-test-ok "completion-at-point turns `[high-risk.leg' into %S" (string-trim line)))

    ;; 8. Fix-all (`charter-fix-all', the code action `source.fixAll.charter'), as a
    ;; `before-save-hook' runs it: the typo `high-risk.finacial' is corrected; the owed
    ;; safeguard, whose fix wants the author, is not added.
    (let ((before (buffer-string)))
      (charter-fix-all)
      (let ((changed (cl-mismatch before (buffer-string))))
        (unless changed
          (charter-test-fail "charter-fix-all changed nothing"))
        (unless (string-match-p "categories: \\[high-risk\\.financial\\]" (buffer-string))
          (charter-test-fail "charter-fix-all did not correct high-risk.finacial: %S"
                             (buffer-substring-no-properties (max 1 (- changed 40))
                                                             (min (point-max) (+ changed 60)))))
        (when (string-match-p "finacial" (buffer-string))
          (charter-test-fail "high-risk.finacial is still in the buffer after charter-fix-all"))
        (when (string-match-p "ai-disclosure\\]" (buffer-substring-no-properties
                                                   (progn (charter-test-goto "warranty-rights-advice") (point))
                                                   (line-end-position 4)))
          (charter-test-fail "charter-fix-all added a safeguard, a fix that wants the author"))))
    (charter-test-wait "Flymake without unknown-category after charter-fix-all"
                       (lambda ()
                         (eglot--signal-textDocument/didChange)
                         (let ((texts (mapcar #'flymake-diagnostic-text (flymake-diagnostics))))
                           (and (cl-some (lambda (d) (string-match-p "missing-safeguard" d)) texts)
                                (not (cl-some (lambda (d) (string-match-p "unknown-category" d)) texts))))))
    (charter-test-ok "charter-fix-all corrects high-risk.finacial; missing-safeguard stays for the author")
    (let ((before (buffer-string)))
      (charter-fix-all)
      (unless (string= before (buffer-string))
        (charter-test-fail "a second charter-fix-all changed the buffer again")))
    (charter-test-ok "a second charter-fix-all has nothing left to do")

    ;; 9. Shutdown and exit, as `eglot-shutdown' sends them; the server must leave by itself
    ;; with status 0 (Eglot 1.9's jsonrpc kills the process right after `exit', so wait here
    ;; first).
    (set-buffer-modified-p nil)
    (let* ((server (eglot-current-server))
           (process (jsonrpc--process server)))
      (setf (eglot--shutdown-requested server) t)
      (jsonrpc-request server :shutdown nil :timeout 10)
      (jsonrpc-notify server :exit nil)
      (charter-test-wait "exit of the server after shutdown and exit"
                         (lambda () (not (process-live-p process))))
      (unless (and (eq (process-status process) 'exit) (eql (process-exit-status process) 0))
        (charter-test-fail "the server ended with %s %s after shutdown and exit"
                           (process-status process) (process-exit-status process)))
      (charter-test-ok "the server exits with status 0 after shutdown and exit")
      (ignore-errors (jsonrpc-shutdown server t)))
    (message "emacs: %d passed, 0 failed" charter-test-passed)
    (kill-emacs 0)))

(condition-case err
    (charter-test-run)
  (error (charter-test-fail "error: %S" err)))

;;; test.el ends here
