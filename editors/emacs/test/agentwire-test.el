;;; agentwire-test.el --- ERT tests of agentwire.el against a real agentwire  -*- lexical-binding: t; -*-

;;; Commentary:

;; Run from the repository root:
;;   AGENTWIRE_BIN=.build/debug/agentwire emacs --batch -Q -L editors/emacs \
;;     -l editors/emacs/test/agentwire-test.el -f ert-run-tests-batch-and-exit

;;; Code:

(require 'ert)
(require 'agentwire)

(setq agentwire-executable
      (expand-file-name (or (getenv "AGENTWIRE_BIN") ".build/debug/agentwire")))
(setq agentwire-store "memory")
(setq agentwire-display-output nil)

(defun agentwire-test--wait (what predicate &optional seconds)
  "Process output until PREDICATE holds; fail naming WHAT after SECONDS."
  (let ((deadline (+ (float-time) (or seconds 10))))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.02))
    (unless (funcall predicate)
      (ert-fail (format "timed out waiting for %s" what)))))

(defun agentwire-test--finished (run)
  "Wait for RUN to finish and return it."
  (agentwire-test--wait "the run to finish" (lambda () (agentwire--run-finished run)))
  run)

(defun agentwire-test--text (run)
  "The text of RUN's buffer."
  (with-current-buffer (agentwire--run-buffer run)
    (buffer-substring-no-properties (point-min) (point-max))))

(defun agentwire-test--lines (&rest lines)
  "LINES, each ended by a newline."
  (mapconcat (lambda (line) (concat line "\n")) lines ""))

(ert-deftest agentwire-run-streams-into-a-buffer ()
  (let ((run (agentwire-test--finished (agentwire-run "echo" "hello brave new world"))))
    (should (eq (agentwire--run-outcome run) 'done))
    (should (equal (agentwire-test--text run)
                   (agentwire-test--lines
                    "agentwire echo"
                    "[1] echo model call: started"
                    "hello brave new world"
                    "[1] echo model call: completed"
                    "-- done --")))
    (with-current-buffer (agentwire--run-buffer run)
      (should (derived-mode-p 'agentwire-output-mode))
      (should buffer-read-only)
      ;; (format-mode-line gives "" in batch mode: check the :eval form's value.)
      (should (equal mode-line-process '(:eval (agentwire--mode-line-process))))
      (should (equal (agentwire--mode-line-process) " done")))))

(ert-deftest agentwire-run-region-sends-the-region ()
  (with-temp-buffer
    (insert "first line\nsecond line\nthird")
    (let ((run (agentwire-test--finished
                (agentwire-run-region "echo" (+ (point-min) 6) (point-max)))))
      (should (equal (agentwire--run-input run) "line\nsecond line\nthird"))
      (should (string-suffix-p (agentwire-test--lines
                                "line"
                                "second line"
                                "third"
                                "[1] echo model call: completed"
                                "-- done --")
                               (agentwire-test--text run))))))

(ert-deftest agentwire-workflow-shows-steps-and-output ()
  (let ((run (agentwire-test--finished (agentwire-workflow "pipeline" "hello world"))))
    (should (eq (agentwire--run-outcome run) 'done))
    (should (equal (agentwire-test--text run)
                   (agentwire-test--lines
                    "agentwire workflow pipeline"
                    "[1] sequential workflow pipeline: started"
                    "[1.1] echo model call: started"
                    "hello world"
                    "[1.1] echo model call: completed"
                    "[1.2] echo model call: started"
                    "reviewed: hello world"
                    "[1.2] echo model call: completed"
                    "[1] sequential workflow pipeline: completed"
                    "-- output --"
                    "reviewed: hello world"
                    "-- done --")))))

(ert-deftest agentwire-cancel-keeps-the-partial-output ()
  (let* ((input (mapconcat (lambda (i) (format "w%d" i)) (number-sequence 1 60) " "))
         (run (agentwire-run "echo-slow" input)))
    (agentwire-test--wait "two tokens" (lambda () (>= (agentwire--run-tokens run) 2)))
    ;; The tokens are in the buffer while the run goes on.
    (should-not (agentwire--run-finished run))
    (should (string-match-p "^w1 w2 " (agentwire-test--text run)))
    (should (string-match-p "\\`agentwire echo-slow [0-9]+ tokens\\'" (agentwire-status)))
    (with-current-buffer (agentwire--run-buffer run)
      (should (string-match-p "\\` echo-slow [0-9]+ tokens\\'" (agentwire--mode-line-process)))
      (call-interactively #'agentwire-cancel))
    (agentwire-test--finished run)
    (should (eq (agentwire--run-outcome run) 'cancelled))
    (should (equal (agentwire-status) ""))
    (let* ((lines (split-string (agentwire-test--text run) "\n"))
           (partial (nth 2 lines)))
      (should (equal (nth 0 lines) "agentwire echo-slow"))
      (should (equal (nth 1 lines) "[1] echo model call: started"))
      (should (string-prefix-p partial input))
      (should (< 0 (length partial) (length input)))
      (should (equal partial (plist-get (agentwire--run-result run) :output)))
      (should (equal (nthcdr 3 lines)
                     '("[1] echo model call: cancelled" "-- cancelled --" ""))))))

(ert-deftest agentwire-cancel-before-run-started-uses-cancel-request ()
  (let ((run (agentwire-run "echo-slow" "one two three four five six seven eight nine ten")))
    (should-not (agentwire--run-run-id run))
    (should (integerp (agentwire--run-request-id run)))
    (agentwire-cancel)
    (agentwire-test--finished run)
    (should (eq (agentwire--run-outcome run) 'cancelled))
    (should (string-prefix-p "agentwire echo-slow\n" (agentwire-test--text run)))
    (should (string-suffix-p "\n-- cancelled --\n" (agentwire-test--text run)))
    (should-not (string-match-p "ten" (agentwire-test--text run)))
    ;; The connection goes on serving.
    (let ((next (agentwire-test--finished (agentwire-run "echo" "still here"))))
      (should (string-match-p "\nstill here\n" (agentwire-test--text next))))))

(ert-deftest agentwire-concurrent-runs-stream-into-their-own-buffers ()
  (let ((runs (append
               (mapcar (lambda (i) (agentwire-run "echo" (format "input %d of the same agent" i)))
                       (number-sequence 1 8))
               (list (agentwire-workflow "pipeline" "in parallel")))))
    (mapc #'agentwire-test--finished runs)
    (dolist (run runs)
      (should (eq (agentwire--run-outcome run) 'done))
      (should (equal (agentwire--run-run-id run)
                     (plist-get (agentwire--run-result run) :runId)))
      (should (equal (nth (if (eq (agentwire--run-kind run) 'agent) 2 3)
                          (split-string (agentwire-test--text run) "\n"))
                     (agentwire--run-input run))))))

(ert-deftest agentwire-unknown-agent-ends-with-the-error ()
  (let ((run (agentwire-test--finished (agentwire-run "nobody" "hi"))))
    (should (eq (agentwire--run-outcome run) 'error))
    (should (string-match-p "\\`agentwire nobody\n-- error: .*(-32001) --\n\\'"
                            (agentwire-test--text run)))))

(ert-deftest agentwire-reads-agent-and-workflow-names ()
  (let ((lists (agentwire--lists)))
    (should (member "echo-slow" (mapcar (lambda (a) (plist-get a :name)) (car lists))))
    (should (member "pipeline" (mapcar (lambda (w) (plist-get w :name)) (cdr lists)))))
  (cl-letf (((symbol-function 'completing-read)
             (lambda (prompt table &rest _)
               (should (equal prompt "Workflow: "))
               (should (equal (funcall (plist-get completion-extra-properties :annotation-function)
                                       "pipeline")
                              (concat "  " (cdr (assoc "pipeline" table)))))
               (car (assoc "pipeline" table)))))
    (should (equal (agentwire--read-name 'workflow) "pipeline"))))

(ert-deftest agentwire-service-exit-ends-the-runs ()
  (let ((run (agentwire-run "echo-slow" "one two three four five six seven eight nine ten")))
    (agentwire-test--wait "a token" (lambda () (>= (agentwire--run-tokens run) 1)))
    (delete-process (jsonrpc--process agentwire--connection))
    (agentwire-test--finished run)
    (should (eq (agentwire--run-outcome run) 'error))
    (should (string-suffix-p "\n-- error: agentwire exited --\n" (agentwire-test--text run)))
    (should-not agentwire--connection)
    ;; The next command starts a new service.
    (let ((next (agentwire-test--finished (agentwire-run "echo" "back again"))))
      (should (eq (agentwire--run-outcome next) 'done)))))

(ert-deftest agentwire-customization-becomes-arguments ()
  (let ((agentwire-config-file "/tmp/agents.json")
        (agentwire-store "memory")
        (agentwire-log-level "error")
        (agentwire-extra-args '("--retain-days" "7")))
    (should (equal (agentwire--arguments)
                   '("--config" "/tmp/agents.json" "--store" "memory"
                     "--log-level" "error" "--retain-days" "7")))))

(provide 'agentwire-test)
;;; agentwire-test.el ends here
