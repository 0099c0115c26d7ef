Content-Length: 81

{"jsonrpc":"2.0","id":8,"method":"session/new","params":{"agent":"echo-history"}}Content-Length: 89

{"jsonrpc":"2.0","id":9,"method":"session/prompt","params":{"sessionId":"s","input":"q"}}