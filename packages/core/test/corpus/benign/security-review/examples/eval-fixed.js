// Fixed: a tiny arithmetic parser instead of eval.
import http from 'node:http';

function evaluate(expression) {
  const tokens = expression.match(/\d+(?:\.\d+)?|[-+*/()]/g) ?? [];
  let position = 0;
  const peek = () => tokens[position];
  const next = () => tokens[position++];
  function factor() {
    const token = next();
    if (token === '(') {
      const value = sum();
      next();
      return value;
    }
    if (token === '-') return -factor();
    const value = Number(token);
    if (Number.isNaN(value)) throw new Error(`unexpected ${token}`);
    return value;
  }
  function product() {
    let value = factor();
    while (peek() === '*' || peek() === '/') value = next() === '*' ? value * factor() : value / factor();
    return value;
  }
  function sum() {
    let value = product();
    while (peek() === '+' || peek() === '-') value = next() === '+' ? value + product() : value - product();
    return value;
  }
  return sum();
}

http
  .createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    try {
      res.end(String(evaluate(url.searchParams.get('expr') ?? '0')));
    } catch (error) {
      res.statusCode = 400;
      res.end(error.message);
    }
  })
  .listen(8080);
