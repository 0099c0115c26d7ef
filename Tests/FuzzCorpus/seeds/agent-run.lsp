Content-Length: 103

{"jsonrpc":"2.0","id":2,"method":"agent/run","params":{"agent":"echo","input":"hello brave new world"}}