Content-Length: 42

{"jsonrpc":"2.0","id":"p","method":"ping"}