Content-Length: 195

{"jsonrpc":"2.0","id":6,"method":"coordinator/parallel","params":{"tasks":[{"agent":"echo"},{"agent":"echo-thinking","input":"2: {{input}}"}],"input":"a","aggregate":"list","onError":"continue"}}