;;; agentwire-test.el --- ERT tests of agentwire.el against a real agentwire  -*- lexical-binding: t; -*-

;;; Commentary:

;; Run from the repository root:
;;   AGENTWIRE_BIN=.build/debug/agentwire emacs --batch -Q -L editors/emacs \
;;     -l editors/emacs/test/agentwire-test.el -f ert-run-tests-batch-and-exit

;;; Code:

(require 'ert)
(require 'agentwire)
(require 'lisp-mnt)
(require 'package)

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

;;;; A model that calls a tool

(defun agentwire-test--sse (delta &optional finish)
  "One server-sent event of a chat-completion stream: DELTA, FINISH."
  (concat "data: "
          (json-serialize
           (list :object "chat.completion.chunk"
                 :choices (vector (list :index 0
                                        :delta (or delta (make-hash-table))
                                        :finish_reason (or finish :null)))))
          "\n\n"))

(defun agentwire-test--model-reply (request)
  "The event stream answering REQUEST, a chat-completion request."
  (let ((tool-result (plist-get (cl-find "tool" (plist-get request :messages)
                                         :key (lambda (m) (plist-get m :role))
                                         :test #'equal)
                                :content)))
    (concat
     "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
     (agentwire-test--sse (list :role "assistant"))
     (if tool-result
         (concat (agentwire-test--sse (list :content "The tool said: "))
                 (agentwire-test--sse (list :content (string-trim tool-result)))
                 (agentwire-test--sse nil "stop"))
       (let* ((tool (plist-get (plist-get (car (plist-get request :tools)) :function) :name))
              (call (list :index 0 :id "call_1" :type "function"
                          :function (list :name tool :arguments "{\"city\": \"Paris\"}"))))
         (concat (agentwire-test--sse (list :tool_calls (vector call)))
                 (agentwire-test--sse nil "tool_calls"))))
     "data: [DONE]\n\n")))

(defun agentwire-test--model-filter (process string)
  "Collect STRING, a piece of a request to PROCESS; answer it once whole."
  (let* ((data (concat (or (process-get process :data) "") string))
         (head-end (string-search "\r\n\r\n" data))
         (head (and head-end (downcase (substring data 0 head-end))))
         (size (and head (string-match "content-length: *\\([0-9]+\\)" head)
                    (string-to-number (match-string 1 head)))))
    (process-put process :data data)
    (when (and size (>= (length data) (+ head-end 4 size)))
      (let ((request (json-parse-string
                      (decode-coding-string
                       (substring data (+ head-end 4) (+ head-end 4 size)) 'utf-8)
                      :object-type 'plist :array-type 'list)))
        (process-send-string process (encode-coding-string
                                      (agentwire-test--model-reply request) 'utf-8))
        (delete-process process)))))

(defun agentwire-test--fake-model ()
  "Start a stand-in for an OpenAI-compatible model server; return it.
Like the service's own tests (Sources/FakeModelServer): asked
without a tool result in the conversation, it calls the first
tool offered with {\"city\": \"Paris\"}; once the result is
there, it answers \"The tool said: RESULT\"."
  (make-network-process :name "agentwire-test-model" :server t
                        :host "127.0.0.1" :service t :family 'ipv4
                        :coding 'binary :noquery t
                        :filter #'agentwire-test--model-filter))

(defun agentwire-test--forecaster-config (port)
  "A config file: tool `weather' (permission ask), agent `forecaster'.
The agent's model is at PORT and calls the tool."
  (let ((file (make-temp-file "agentwire-test" nil ".json")))
    (with-temp-file file
      (insert
       (json-serialize
        (list :tools
              (list :weather
                    (list :description "Current weather of a city"
                          :command ["/bin/echo" "forecast for {{city}}: sunny"]
                          :parameters (list :type "object"
                                            :properties (list :city (list :type "string"))
                                            :required ["city"])
                          :permission "ask"))
              :agents
              (list :forecaster
                    (list :provider
                          (list :type "openai"
                                :baseURL (format "http://127.0.0.1:%d/v1" port)
                                :model "fake" :retries 0
                                :tools ["weather"] :toolChoice "weather")))))))
    file))

(defmacro agentwire-test--with-forecaster (&rest body)
  "Run BODY with a service whose config has the agent `forecaster'."
  (declare (indent 0))
  `(let* ((model (agentwire-test--fake-model))
          (agentwire-config-file
           (agentwire-test--forecaster-config (process-contact model :service))))
     (agentwire-shutdown)
     (unwind-protect (progn ,@body)
       (mapc #'agentwire--cancel-run agentwire--active)
       (agentwire-shutdown)
       (delete-process model)
       (delete-file agentwire-config-file))))

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
  (let* ((runs (append
                (mapcar (lambda (i)
                          (agentwire-run "echo-slow"
                                         (format "input %d of the same agent, streamed slowly" i)))
                        (number-sequence 1 8))
                (list (agentwire-workflow "pipeline" "in parallel"))))
         (agent-runs (cl-remove 'workflow runs :key #'agentwire--run-kind)))
    ;; Every request goes out at once; each run/started finds its run
    ;; by the requestId it carries.
    (should (cl-every #'integerp (mapcar #'agentwire--run-request-id runs)))
    (should (= (length (cl-remove-duplicates (mapcar #'agentwire--run-request-id runs)))
               (length runs)))
    (agentwire-test--wait "every run/started"
                          (lambda () (cl-every #'agentwire--run-run-id agent-runs)))
    (should-not (cl-some #'agentwire--run-finished agent-runs))
    (mapc #'agentwire-test--finished runs)
    (dolist (run runs)
      (should (eq (agentwire--run-outcome run) 'done))
      (should (equal (agentwire--run-run-id run)
                     (plist-get (agentwire--run-result run) :runId)))
      (should (equal (nth (if (eq (agentwire--run-kind run) 'agent) 2 3)
                          (split-string (agentwire-test--text run) "\n"))
                     (agentwire--run-input run))))))

(ert-deftest agentwire-permission-is-asked-with-completing-read ()
  (agentwire-test--with-forecaster
    (let* ((asked nil)
           (choose nil)
           (run-with (lambda (answer)
                       (setq choose answer)
                       (agentwire-test--finished
                        (agentwire-run "forecaster" "Weather in Paris?")))))
      (cl-letf (((symbol-function 'completing-read)
                 (lambda (prompt collection &optional _predicate require-match
                                 _initial _history default &rest _)
                   (push (list prompt collection require-match default) asked)
                   (funcall choose))))
        (let ((allowed (funcall run-with (lambda () "Allow once")))
              (rejected (funcall run-with (lambda () "Reject")))
              (quit (funcall run-with (lambda () (signal 'quit nil))))
              (empty (funcall run-with (lambda () ""))))
          (should (equal (reverse asked)
                         (make-list 4 '("AgentWire: forecaster wants to run weather {\"city\":\"Paris\"}: "
                                        ("Allow once" "Allow always" "Reject")
                                        t "Reject"))))
          (should (eq (agentwire--run-outcome allowed) 'done))
          (should (equal (agentwire-test--text allowed)
                         (agentwire-test--lines
                          "agentwire forecaster"
                          "[1] openai model call: started"
                          "[1] permission weather: allow_once"
                          "The tool said: forecast for Paris: sunny"
                          "[1] openai model call: completed"
                          "-- done --")))
          (dolist (run (list rejected quit empty))
            (should (equal (plist-get (agentwire--run-result run) :output)
                           "The tool said: error: permission was not granted"))
            (should (string-match-p "\n\\[1\\] permission weather: reject\n"
                                    (agentwire-test--text run))))))
      ;; Two runs asking at once: one question at a time, each answer
      ;; to its own question.
      (let ((depth 0) (deepest 0) (count 0))
        (cl-letf (((symbol-function 'completing-read)
                   (lambda (&rest _)
                     (cl-incf depth)
                     (setq deepest (max deepest depth))
                     (cl-incf count)
                     (let ((answer (if (= count 1) "Allow once" "Reject")))
                       ;; The user takes a while; the other question arrives.
                       (accept-process-output nil 0.2)
                       (cl-decf depth)
                       answer))))
          (let ((runs (list (agentwire-run "forecaster" "Weather in Paris?")
                            (agentwire-run "forecaster" "Weather in Paris?"))))
            (mapc #'agentwire-test--finished runs)
            (should (= count 2))
            (should (= deepest 1))
            (should (equal (sort (mapcar (lambda (run)
                                           (plist-get (agentwire--run-result run) :output))
                                         runs)
                                 #'string<)
                           '("The tool said: error: permission was not granted"
                             "The tool said: forecast for Paris: sunny")))))))))

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

(ert-deftest agentwire-package-headers ()
  (with-temp-buffer
    (insert-file-contents (locate-library "agentwire.el" t))
    (let ((info (package-buffer-info)))
      (should (equal (package-desc-name info) 'agentwire))
      (should (equal (package-version-join (package-desc-version info)) agentwire-version))
      (should (equal (package-desc-reqs info) '((emacs (28 1)) (jsonrpc (1 0 14)))))
      (should (equal (alist-get :url (package-desc-extras info))
                     "https://github.com/agentwire/agentwire"))
      (should (equal (alist-get :keywords (package-desc-extras info))
                     '("tools" "convenience" "processes"))))
    (should (equal (lm-header "Author") "The AgentWire authors"))
    (should (equal (lm-header "SPDX-License-Identifier") "MIT"))
    (should (equal (lm-summary) "Run AgentWire agents and workflows"))))

(provide 'agentwire-test)
;;; agentwire-test.el ends here
