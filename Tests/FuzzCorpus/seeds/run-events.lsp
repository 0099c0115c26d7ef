Content-Length: 101

{"jsonrpc":"2.0","id":12,"method":"run/events","params":{"runId":"run_x","afterSeq":0,"follow":true}}