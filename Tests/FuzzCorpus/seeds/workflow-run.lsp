Content-Length: 97

{"jsonrpc":"2.0","id":4,"method":"workflow/run","params":{"workflow":"fanout","input":"ship it"}}