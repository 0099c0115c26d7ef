;;; agentwire.el --- Run AgentWire agents and workflows  -*- lexical-binding: t; -*-

;; Author: The AgentWire authors
;; URL: https://github.com/agentwire/agentwire
;; Version: 0.2.0
;; Package-Requires: ((emacs "28.1") (jsonrpc "1.0.14"))
;; Keywords: tools, convenience, processes
;; SPDX-License-Identifier: MIT

;; This file is not part of GNU Emacs.

;;; Commentary:

;; Runs agents and workflows of an `agentwire' process (one per Emacs)
;; and streams their output into a buffer as it arrives.  It talks to
;; the service with the built-in `jsonrpc' library (Content-Length
;; framing).
;;
;; Commands: `agentwire-run', `agentwire-run-region',
;; `agentwire-workflow', `agentwire-cancel', `agentwire-shutdown'.
;; Customize the group `agentwire' for the executable, config file and
;; store.  `agentwire-mode-line-mode' shows the active run and its step
;; in every mode line.
;;
;; A run's buffer holds a title line, step lines "[STEP] NAME: STATUS"
;; as they happen, the streamed text, and a closing "-- done --",
;; "-- cancelled --" or "-- error: ... --" (workflows add their
;; output under "-- output --").  See editors/README.md.
;;
;; When a model calls a tool whose permission is "ask", the service
;; sends a `permission/request'; the options it offers are read with
;; `completing-read', and quitting or an empty answer rejects the call.

;;; Code:

(require 'cl-lib)
(require 'eieio)
(require 'jsonrpc)
(require 'subr-x)

(defconst agentwire-version "0.2.0"
  "Version of agentwire.el: the release of `agentwire --version'.")

(defgroup agentwire nil
  "Run AgentWire agents and workflows and stream their output."
  :group 'tools
  :prefix "agentwire-")

(defcustom agentwire-executable "agentwire"
  "The agentwire executable: a name on variable `exec-path' or a file name."
  :type 'string)

(defcustom agentwire-config-file nil
  "Config file passed as --config, or nil.
Without one, agentwire reads ./agentwire.json (relative to the
`default-directory' it was started in), then
~/.config/agentwire/config.json, then its built-in defaults."
  :type '(choice (const :tag "agentwire's default" nil) file))

(defcustom agentwire-store nil
  "Run store passed as --store: a SQLite file, \"memory\", or nil for the default."
  :type '(choice (const :tag "agentwire's default" nil)
                 (const :tag "In memory" "memory")
                 file))

(defcustom agentwire-log-level "warning"
  "Log level of the service; its log goes to the buffer *agentwire stderr*."
  :type '(choice (const "trace") (const "debug") (const "info") (const "notice")
                 (const "warning") (const "error") (const "critical")))

(defcustom agentwire-extra-args nil
  "More command-line arguments for agentwire."
  :type '(repeat string))

(defcustom agentwire-display-output t
  "Whether a new run's buffer is displayed (without selecting it)."
  :type 'boolean)

(defcustom agentwire-log-events nil
  "Whether every JSON-RPC message is logged to the buffer *agentwire events*."
  :type 'boolean)

(cl-defstruct (agentwire--run (:constructor agentwire--run-make)
                              (:copier nil))
  "One run of an agent or a workflow."
  kind name input buffer connection request-id run-id
  (tokens 0) steps percent cancelling finished outcome result
  stream (at-line-start t))

(defvar agentwire--connection nil
  "The connection to the agentwire process, or nil.")

(defvar agentwire--active nil
  "Unfinished runs, newest first.")


(defvar agentwire--by-run-id (make-hash-table :test #'equal)
  "Unfinished runs by runId.")

(defvar agentwire--last-run nil
  "The newest run.")

(defvar agentwire--lists nil
  "Cached (AGENTS . WORKFLOWS) from the service, vectors of plists.")

(defvar-local agentwire--buffer-run nil
  "The run shown in this buffer.")

(defvar agentwire--questions nil
  "Permission requests waiting to be asked, oldest first.")

(defvar agentwire--asking nil
  "Non-nil while a permission request is asked or about to be.")

;;;; The process

(defun agentwire--arguments ()
  "Command-line arguments for agentwire, from the customization."
  (append
   (when agentwire-config-file
     (list "--config" (expand-file-name agentwire-config-file)))
   (when agentwire-store
     (list "--store" (if (equal agentwire-store "memory")
                         "memory"
                       (expand-file-name agentwire-store))))
   (when agentwire-log-level (list "--log-level" agentwire-log-level))
   agentwire-extra-args))

(defun agentwire--connection ()
  "The running connection, started and initialized on first use."
  (if (and agentwire--connection (jsonrpc-running-p agentwire--connection))
      agentwire--connection
    (let* ((command (cons agentwire-executable (agentwire--arguments)))
           (connection
            (make-instance
             'agentwire--process-connection
             :name "agentwire"
             :events-buffer-scrollback-size (if agentwire-log-events nil 0)
             :notification-dispatcher #'agentwire--notification
             :request-dispatcher #'agentwire--request
             :on-shutdown #'agentwire--on-shutdown
             :process
             (lambda ()
               (make-process
                :name "agentwire"
                :command command
                :connection-type 'pipe
                :coding 'utf-8-emacs-unix
                :noquery t
                ;; jsonrpc expects the stderr buffer under exactly this name.
                :stderr (get-buffer-create "*agentwire stderr*"))))))
      (setq agentwire--connection connection)
      (setq agentwire--lists nil)
      (jsonrpc-async-request
       connection :initialize
       (list :protocolVersion "agentwire/1"
             :clientInfo (list :name "agentwire.el" :version agentwire-version))
       :success-fn #'ignore
       :error-fn (jsonrpc-lambda (&key message &allow-other-keys)
                   (message "agentwire: initialize failed: %s" message))
       :timeout 30)
      (jsonrpc-notify connection :initialized nil)
      connection)))

(defclass agentwire--process-connection (jsonrpc-process-connection)
  ((runs :initform (make-hash-table) :accessor agentwire--connection-runs
         :documentation "Runs waiting for their run/started, by request id."))
  "A connection that can answer a request of the service later.")

(cl-defstruct (agentwire--question (:constructor agentwire--question-make)
                                   (:copier nil))
  "A permission/request of the service, answered once the user chose."
  connection id params)

(defun agentwire--request (connection method params)
  "Answer the request METHOD with PARAMS of the service on CONNECTION.
A permission/request is answered later (see `agentwire--ask-next'):
the question returned here is what `jsonrpc' would send as the
result, and the connection keeps it back."
  (if (eq method 'permission/request)
      (agentwire--question-make :connection connection :params params)
    (jsonrpc-error :code -32601 :message (format "Unknown method %s" method))))

(cl-defmethod jsonrpc-connection-send ((_connection agentwire--process-connection)
                                       &rest args)
  "Send ARGS on the connection, unless they answer with a question.
Such an answer is queued instead, to be asked outside the process
filter and answered with the user's choice."
  (let ((result (plist-get args :result)))
    (if (agentwire--question-p result)
        (progn
          (setf (agentwire--question-id result) (plist-get args :id))
          (agentwire--queue-question result))
      (cl-call-next-method))))

(defun agentwire--queue-question (question)
  "Ask QUESTION after the questions before it, from a timer."
  (setq agentwire--questions (append agentwire--questions (list question)))
  (unless agentwire--asking
    (setq agentwire--asking t)
    (run-at-time 0 nil #'agentwire--ask-next)))

(defun agentwire--reject-option (options)
  "The option of OPTIONS that rejects."
  (or (cl-find-if (lambda (option)
                    (string-prefix-p "reject" (or (plist-get option :kind) "")))
                  options)
      (list :optionId "reject" :name "Reject" :kind "reject_once")))

(defun agentwire--describe-arguments (arguments)
  "ARGUMENTS of a tool call as JSON, for a prompt."
  (condition-case nil
      (json-serialize arguments :null-object nil :false-object :json-false)
    (error (format "%S" arguments))))

(defun agentwire--choose (question)
  "Ask the user about QUESTION; return the option chosen.
Quitting, an empty answer or a run that has ended chooses the
option that rejects."
  (let* ((params (agentwire--question-params question))
         (options (append (plist-get params :options) nil))
         (reject (agentwire--reject-option options))
         (run (gethash (plist-get params :runId) agentwire--by-run-id)))
    (if (or (not run) (agentwire--run-finished run))
        reject
      (let* ((names (mapcar (lambda (option) (plist-get option :name)) options))
             (prompt (format "AgentWire: %s wants to run %s %s: "
                             (plist-get params :agent) (plist-get params :tool)
                             (agentwire--describe-arguments (plist-get params :arguments))))
             (enable-recursive-minibuffers t)
             (name (condition-case nil
                       (completing-read prompt names nil t nil nil
                                        (plist-get reject :name))
                     (quit nil))))
        (or (cl-find name options
                     :key (lambda (option) (plist-get option :name)) :test #'equal)
            reject)))))

(defun agentwire--ask-next ()
  "Ask the oldest permission request, answer it, then go on."
  (let ((question (pop agentwire--questions)))
    (unwind-protect
        (when question
          (let* ((option (condition-case err
                             (agentwire--choose question)
                           (error
                            (message "agentwire: cannot ask: %s" (error-message-string err))
                            (agentwire--reject-option
                             (append (plist-get (agentwire--question-params question) :options)
                                     nil)))))
                 (params (agentwire--question-params question))
                 (connection (agentwire--question-connection question))
                 (run (gethash (plist-get params :runId) agentwire--by-run-id)))
            (when (and run (not (agentwire--run-finished run)))
              (agentwire--line run (format "[%s] permission %s: %s"
                                           (plist-get params :stepId)
                                           (plist-get params :tool)
                                           (plist-get option :optionId))))
            (when (jsonrpc-running-p connection)
              (jsonrpc-connection-send connection
                                       :id (agentwire--question-id question)
                                       :result (list :optionId (plist-get option :optionId))))))
      (if agentwire--questions
          (run-at-time 0 nil #'agentwire--ask-next)
        (setq agentwire--asking nil)))))

(defun agentwire--on-shutdown (connection)
  "Finish every unfinished run of CONNECTION: its process is gone."
  (when (eq connection agentwire--connection)
    (setq agentwire--connection nil))
  (dolist (run agentwire--active)
    (when (eq (agentwire--run-connection run) connection)
      (agentwire--finish run 'error nil "agentwire exited"))))

(defun agentwire-shutdown ()
  "Shut the agentwire process down.
The next command starts a new one."
  (interactive)
  (when-let ((connection agentwire--connection))
    (setq agentwire--connection nil)
    (when (jsonrpc-running-p connection)
      (jsonrpc-async-request
       connection :shutdown nil
       :success-fn (lambda (_) (jsonrpc-notify connection :exit nil))
       :error-fn #'ignore
       :timeout 5))))

;;;; Run buffers

(defvar agentwire-output-mode-map
  (let ((map (make-sparse-keymap)))
    (define-key map (kbd "C-c C-k") #'agentwire-cancel)
    (define-key map (kbd "k") #'agentwire-cancel)
    map)
  "Keymap of `agentwire-output-mode'.")

(define-derived-mode agentwire-output-mode special-mode "AgentWire"
  "Major mode of AgentWire run buffers.
\\{agentwire-output-mode-map}"
  (setq-local truncate-lines nil)
  (setq-local mode-line-process '(:eval (agentwire--mode-line-process))))

(defun agentwire--mode-line-process ()
  "The state of this buffer's run, for its mode line."
  (when-let ((run agentwire--buffer-run))
    (if (agentwire--run-finished run)
        (format " %s" (agentwire--run-outcome run))
      (concat " " (agentwire--describe run)))))

(defun agentwire--append (run text)
  "Append TEXT to RUN's buffer; windows at its end follow it."
  (let ((buffer (agentwire--run-buffer run)))
    (when (and (buffer-live-p buffer) (not (string-empty-p text)))
      (with-current-buffer buffer
        (let ((inhibit-read-only t)
              (follow (= (point) (point-max)))
              (windows (cl-remove-if-not
                        (lambda (window) (= (window-point window) (point-max)))
                        (get-buffer-window-list buffer nil t))))
          (save-excursion
            (goto-char (point-max))
            (insert text))
          (when follow (goto-char (point-max)))
          (dolist (window windows)
            (set-window-point window (point-max)))))
      (setf (agentwire--run-at-line-start run) (string-suffix-p "\n" text)))))

(defun agentwire--line (run text)
  "Write TEXT as a line of its own in RUN's buffer."
  (unless (agentwire--run-at-line-start run)
    (agentwire--append run "\n"))
  (agentwire--append run (concat text "\n"))
  (setf (agentwire--run-stream run) nil))

(defun agentwire--token (run step-id text)
  "Stream TEXT of step STEP-ID into RUN's buffer.
A token of another step than the last one begins a new line."
  (unless (or (equal (agentwire--run-stream run) step-id)
              (agentwire--run-at-line-start run))
    (agentwire--append run "\n"))
  (setf (agentwire--run-stream run) step-id)
  (agentwire--append run text))

(defun agentwire--finish (run outcome &optional output message)
  "End RUN with OUTCOME (`done', `cancelled' or `error').
OUTPUT, for workflows, is shown under \"-- output --\"; MESSAGE
explains an error."
  (unless (agentwire--run-finished run)
    (setf (agentwire--run-finished run) t
          (agentwire--run-outcome run) outcome)
    (setq agentwire--active (delq run agentwire--active))
    (when-let ((request-id (agentwire--run-request-id run))
               (waiting (agentwire--connection-runs (agentwire--run-connection run))))
      (when (eq (gethash request-id waiting) run)
        (remhash request-id waiting)))
    (when-let ((run-id (agentwire--run-run-id run)))
      (remhash run-id agentwire--by-run-id))
    (when output
      (agentwire--line run "-- output --")
      (agentwire--append run output))
    (agentwire--line run (if (eq outcome 'error)
                             (format "-- error: %s --" (or message "unknown"))
                           (format "-- %s --" outcome)))
    (force-mode-line-update t)))

;;;; Notifications and answers

(defun agentwire--notification (connection method params)
  "Handle the notification METHOD with PARAMS of CONNECTION."
  (if (eq method 'run/started)
      ;; The run started by the request it names (ids are CONNECTION's).
      (when-let* ((request-id (plist-get params :requestId))
                  (waiting (agentwire--connection-runs connection))
                  (run (gethash request-id waiting)))
        (remhash request-id waiting)
        (unless (agentwire--run-finished run)
          (setf (agentwire--run-run-id run) (plist-get params :runId))
          (puthash (plist-get params :runId) run agentwire--by-run-id)))
    (let ((run (gethash (plist-get params :runId) agentwire--by-run-id)))
      (when (and run (not (agentwire--run-finished run)))
        (pcase method
          ('run/token
           (cl-incf (agentwire--run-tokens run))
           (agentwire--token run (plist-get params :stepId) (or (plist-get params :text) "")))
          ('run/step
           (let ((id (plist-get params :stepId))
                 (status (plist-get params :status)))
             (agentwire--line run (format "[%s] %s: %s" id
                                          (or (plist-get params :name) (plist-get params :agent))
                                          status))
             (if (equal status "started")
                 (push (cons id (plist-get params :agent)) (agentwire--run-steps run))
               (setf (agentwire--run-steps run)
                     (cl-remove id (agentwire--run-steps run) :key #'car :test #'equal))))
           (force-mode-line-update t))
          ('run/thinking
           (agentwire--line run (format "[%s] thinking: %s"
                                        (plist-get params :stepId) (plist-get params :text))))
          ('run/progress
           (setf (agentwire--run-percent run) (plist-get params :percent))
           (force-mode-line-update t)))))))

(defun agentwire--settle (run result error)
  "RUN's request was answered with RESULT or ERROR."
  (unless (agentwire--run-finished run)
    (cond
     (error
      (let ((code (plist-get error :code)))
        (cond
         ((eql code -32800) (agentwire--finish run 'cancelled))
         ;; jsonrpc's own code when the process died before answering.
         ((eql code -1) (agentwire--finish run 'error nil "agentwire exited"))
         (t (agentwire--finish run 'error nil
                               (format "%s (%s)" (plist-get error :message) code))))))
     (t
      (setf (agentwire--run-result run) result)
      (if (equal (plist-get result :stopReason) "cancelled")
          (agentwire--finish run 'cancelled)
        (agentwire--finish run 'done
                           (and (eq (agentwire--run-kind run) 'workflow)
                                (plist-get result :output))))))))

(defun agentwire--send (run)
  "Send RUN's request; its run/started names the request's id."
  (let* ((connection (agentwire--run-connection run))
         (agent-p (eq (agentwire--run-kind run) 'agent))
         (answer
          (jsonrpc-async-request
           connection (if agent-p :agent/run :workflow/run)
           (list (if agent-p :agent :workflow) (agentwire--run-name run)
                 :input (agentwire--run-input run))
           :success-fn (lambda (result) (agentwire--settle run result nil))
           :error-fn (lambda (error) (agentwire--settle run nil error))
           ;; Runs take as long as they take: no client-side timeout.
           :timeout nil)))
    ;; Newer jsonrpc versions return the id; 1.0.14 returns nil, and its
    ;; counter holds the id just used.
    (setf (agentwire--run-request-id run)
          (cond ((integerp answer) answer)
                ((integerp (car-safe answer)) (car answer))
                (t (jsonrpc--next-request-id connection))))
    (puthash (agentwire--run-request-id run) run (agentwire--connection-runs connection))))

(defun agentwire--start (kind name input)
  "Start a run of KIND (`agent' or `workflow') NAME on INPUT; return it."
  (let* ((connection (agentwire--connection))
         (title (if (eq kind 'agent)
                    (format "agentwire %s" name)
                  (format "agentwire workflow %s" name)))
         (buffer (generate-new-buffer (format "*%s*" title)))
         (run (agentwire--run-make :kind kind :name name :input input
                                   :buffer buffer :connection connection)))
    (with-current-buffer buffer
      (agentwire-output-mode)
      (setq agentwire--buffer-run run))
    (agentwire--line run title)
    (setq agentwire--last-run run)
    (push run agentwire--active)
    ;; Runs of the same agent may go at once: each run/started names
    ;; the request that started it.
    (agentwire--send run)
    (when agentwire-display-output
      (display-buffer buffer '(nil (inhibit-same-window . t))))
    (force-mode-line-update t)
    run))

;;;; Status

(defun agentwire--describe (run)
  "A short description of unfinished RUN: its step and progress."
  (let ((step (car (agentwire--run-steps run))))
    (string-join
     (delq nil
           (list (agentwire--run-name run)
                 (and (eq (agentwire--run-kind run) 'workflow) step
                      (format "%s %s" (car step) (or (cdr step) "")))
                 (if (agentwire--run-percent run)
                     (format "%s%%" (agentwire--run-percent run))
                   (and (eq (agentwire--run-kind run) 'agent)
                        (format "%d tokens" (agentwire--run-tokens run))))
                 (and (agentwire--run-cancelling run) "cancelling")))
     " ")))

(defun agentwire-status ()
  "The newest unfinished run, its step and progress, or \"\" when idle."
  (if-let ((run (car agentwire--active)))
      (concat "agentwire " (agentwire--describe run)
              (if (cdr agentwire--active)
                  (format " +%d" (length (cdr agentwire--active)))
                ""))
    ""))

(defvar agentwire--mode-line-entry '(:eval (agentwire--mode-line-entry))
  "The entry `agentwire-mode-line-mode' puts into `global-mode-string'.")
(put 'agentwire--mode-line-entry 'risky-local-variable t)

(defun agentwire--mode-line-entry ()
  "`agentwire-status' with some space around it, or nothing."
  (let ((status (agentwire-status)))
    (if (string-empty-p status) "" (concat " [" status "] "))))

;;;###autoload
(define-minor-mode agentwire-mode-line-mode
  "Show the active AgentWire run, its step and progress in every mode line."
  :global t
  (if agentwire-mode-line-mode
      (add-to-list 'global-mode-string 'agentwire--mode-line-entry t)
    (setq global-mode-string (delq 'agentwire--mode-line-entry global-mode-string))))

;;;; Commands

(defun agentwire--lists ()
  "The service's (AGENTS . WORKFLOWS), fetched once per process."
  (or agentwire--lists
      (let ((connection (agentwire--connection)))
        (setq agentwire--lists
              (cons (plist-get (jsonrpc-request connection :agents/list nil) :agents)
                    (plist-get (jsonrpc-request connection :workflows/list nil) :workflows))))))

(defun agentwire--read-name (kind)
  "Read the name of an agent or a workflow (KIND) in the minibuffer."
  (let* ((items (append (if (eq kind 'agent) (car (agentwire--lists)) (cdr (agentwire--lists))) nil))
         (table (mapcar (lambda (item) (cons (plist-get item :name) (plist-get item :description)))
                        items))
         (completion-extra-properties
          (list :annotation-function
                (lambda (name)
                  (let ((description (cdr (assoc name table))))
                    (if (and description (not (string-empty-p description)))
                        (concat "  " description)
                      ""))))))
    (completing-read (if (eq kind 'agent) "Agent: " "Workflow: ") table nil t)))

(defun agentwire--read-input ()
  "The active region's text, or a prompt read in the minibuffer."
  (if (use-region-p)
      (buffer-substring-no-properties (region-beginning) (region-end))
    (read-string "Input: ")))

;;;###autoload
(defun agentwire-run (agent input)
  "Run AGENT on INPUT and stream its output into a buffer.
Interactively, INPUT is the active region's text or is read in
the minibuffer.  Returns the run."
  (interactive (list (agentwire--read-name 'agent) (agentwire--read-input)))
  (agentwire--start 'agent agent input))

;;;###autoload
(defun agentwire-run-region (agent start end)
  "Run AGENT on the text between START and END (the region)."
  (interactive (list (agentwire--read-name 'agent) (region-beginning) (region-end)))
  (agentwire--start 'agent agent (buffer-substring-no-properties start end)))

;;;###autoload
(defun agentwire-workflow (workflow input)
  "Run WORKFLOW on INPUT and stream every step into a buffer.
Interactively, INPUT is the active region's text or is read in
the minibuffer.  Returns the run."
  (interactive (list (agentwire--read-name 'workflow) (agentwire--read-input)))
  (agentwire--start 'workflow workflow input))

(defun agentwire--cancel-run (run)
  "Ask the service to stop RUN; its answer ends it."
  (unless (agentwire--run-finished run)
    (setf (agentwire--run-cancelling run) t)
    (let ((connection (agentwire--run-connection run)))
      (cond
       ((agentwire--run-run-id run)
        ;; The run then answers its request normally, with the partial output.
        (jsonrpc-async-request connection :run/cancel
                               (list :runId (agentwire--run-run-id run))
                               :success-fn #'ignore :error-fn #'ignore :timeout 30))
       (t
        ;; Not started yet: cancel the request; it is answered with -32800.
        (jsonrpc-notify connection :$/cancelRequest
                        (list :id (agentwire--run-request-id run))))))
    (force-mode-line-update t)
    t))

;;;###autoload
(defun agentwire-cancel (&optional all)
  "Cancel this buffer's run, else the newest unfinished run.
With a prefix argument ALL, cancel every unfinished run."
  (interactive "P")
  (cond
   (all (mapc #'agentwire--cancel-run agentwire--active))
   ((and agentwire--buffer-run (not (agentwire--run-finished agentwire--buffer-run)))
    (agentwire--cancel-run agentwire--buffer-run))
   ((car agentwire--active) (agentwire--cancel-run (car agentwire--active)))
   (t (message "agentwire: nothing to cancel") nil)))

(provide 'agentwire)
;;; agentwire.el ends here
