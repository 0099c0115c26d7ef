" Highlighting for AgentWire run buffers.
if exists('b:current_syntax')
  finish
endif
syntax match agentwireTitle /\%1l.*/
syntax match agentwireStep /^\[[0-9.]\+\] .*: \(started\|completed\|failed\|cancelled\)$/
syntax match agentwireThinking /^\[[0-9.]\+\] thinking: .*$/
syntax match agentwireEnd /^-- .* --$/
highlight default link agentwireTitle Title
highlight default link agentwireStep Comment
highlight default link agentwireThinking Special
highlight default link agentwireEnd Statement
let b:current_syntax = 'agentwire'
