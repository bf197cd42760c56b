workers 2
port 9292
