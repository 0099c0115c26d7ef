Content-Length: 62

{"jsonrpc":"2.0","id":20,"method":"agents/list","params":null}