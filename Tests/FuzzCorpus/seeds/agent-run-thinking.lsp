Content-Length: 122

{"jsonrpc":"2.0","id":3,"method":"agent/run","params":{"agent":"echo-thinking","input":"x y","stream":{"thinking":false}}}