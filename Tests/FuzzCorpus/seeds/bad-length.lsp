Content-Length: -3

{}Content-Length: x

