Content-Length: 41

{"jsonrpc":"1.0","id":18,"method":"ping"}