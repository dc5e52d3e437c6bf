// An Express server. With --self-test it also asks itself for / from inside
// the same process (and so the same container), prints the answer and exits.
const http = require('node:http');
const express = require('express');

const app = express();
app.get('/', (req, res) => res.json({ hello: 'from express', version: require('express/package.json').version }));

const server = app.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`listening on 127.0.0.1:${port}`);
  if (!process.argv.includes('--self-test')) return;
  http.get(`http://127.0.0.1:${port}/`, (res) => {
    let body = '';
    res.on('data', (c) => (body += c));
    res.on('end', () => {
      console.log(`GET / -> ${res.statusCode} ${body}`);
      server.close();
    });
  });
});
