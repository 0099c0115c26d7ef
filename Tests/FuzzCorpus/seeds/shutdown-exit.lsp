Content-Length: 45

{"jsonrpc":"2.0","id":17,"method":"shutdown"}Content-Length: 33

{"jsonrpc":"2.0","method":"exit"}