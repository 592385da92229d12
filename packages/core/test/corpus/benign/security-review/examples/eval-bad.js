// Vulnerable: evaluates a query-string expression sent by the client.
import http from 'node:http';

http
  .createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const expression = url.searchParams.get('expr') ?? '0';
    const result = eval(expression); // remote code execution
    res.end(String(result));
  })
  .listen(8080);
