Content-Length: 166

{"jsonrpc":"2.0","id":5,"method":"coordinator/sequential","params":{"steps":[{"agent":"echo"},{"agent":"echo","transform":"r: {{previous}} {{input}}"}],"input":"go"}}