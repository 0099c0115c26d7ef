Content-Length: 90

{"jsonrpc":"2.0","id":10,"method":"agent/start","params":{"agent":"echo","input":"a b c"}}Content-Length: 66

{"jsonrpc":"2.0","id":11,"method":"run/list","params":{"limit":5}}