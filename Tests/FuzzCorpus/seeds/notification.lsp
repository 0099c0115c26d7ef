Content-Length: 52

{"jsonrpc":"2.0","method":"initialized","params":{}}