Content-Length: 48

{"jsonrpc":"2.0","id":15,"method":"agents/list"}Content-Length: 51

{"jsonrpc":"2.0","id":16,"method":"workflows/list"}