Content-Length: 102

{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"stream":{"tokens":true,"tokenCoalesceMs":5}}}