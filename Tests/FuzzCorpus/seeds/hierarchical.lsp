Content-Length: 193

{"jsonrpc":"2.0","id":7,"method":"coordinator/hierarchical","params":{"master":{"agent":"echo"},"subAgents":[{"agent":"echo"},{"agent":"echo"}],"input":"a\nb\nc","aggregator":{"agent":"echo"}}}