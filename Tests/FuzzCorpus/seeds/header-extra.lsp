Content-Type: application/vscode-jsonrpc; charset=utf-8
Content-Length: 40

{"jsonrpc":"2.0","id":1,"method":"ping"}