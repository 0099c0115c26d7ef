Content-Length: 72

{"jsonrpc":"2.0","id":14,"method":"stats/get","params":{"agent":"echo"}}