Content-Length: 77

{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":1}}Content-Length: 109

{"jsonrpc":"2.0","id":1,"method":"session/load","params":{"sessionId":"ses_fuzz","cwd":"/w","mcpServers":[]}}Content-Length: 124

{"jsonrpc":"2.0","id":2,"method":"session/prompt","params":{"sessionId":"ses_fuzz","prompt":[{"type":"text","text":"a b"}]}}