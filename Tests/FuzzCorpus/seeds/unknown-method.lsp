Content-Length: 59

{"jsonrpc":"2.0","id":19,"method":"no/such","params":[1,2]}