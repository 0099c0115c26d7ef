Content-Length: 90

{"jsonrpc":"2.0","id":13,"method":"agent/run","params":{"agent":"echo","input":"a b c d"}}Content-Length: 63

{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":13}}