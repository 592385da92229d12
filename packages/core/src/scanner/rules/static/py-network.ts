import type { Rule } from '../../rule.js';
import { pythonHits } from './python.js';
import { lowerWhenDeclared } from './support.js';

const prefilter =
  /requests|httpx|aiohttp|urllib|urlopen|urlretrieve|socket|websocket|smtplib|ftplib|telnetlib|paramiko|HTTPS?Connection|\.connect/;
const networkCalls = new RegExp(
  [
    String.raw`\brequests\.(?:get|post|put|patch|delete|head|options|request|Session|session)\s*\(`,
    String.raw`\bhttpx\.(?:get|post|put|patch|delete|head|options|request|stream|Client|AsyncClient)\s*\(`,
    String.raw`\baiohttp\.(?:ClientSession|request)\s*\(`,
    String.raw`\burllib3\.(?:PoolManager|request|HTTPConnectionPool|HTTPSConnectionPool)\s*\(`,
    String.raw`(?<![\w])(?:urllib\.request\.|urllib2\.)?(?:urlopen|urlretrieve)\s*\(`,
    String.raw`\burllib\.request\.Request\s*\(`,
    String.raw`\b(?:http\.client\.)?HTTPS?Connection\s*\(`,
    String.raw`\bsocket\.(?:socket|create_connection)\s*\(`,
    String.raw`\.connect(?:_ex)?\s*\(\s*\(`,
    String.raw`\bwebsockets?\.(?:connect|create_connection)\s*\(`,
    String.raw`\b(?:smtplib\.SMTP(?:_SSL)?|ftplib\.FTP(?:_TLS)?|telnetlib\.Telnet|paramiko\.SSHClient)\s*\(`,
  ].join('|'),
  'g',
);
const networkImports =
  /^[ \t]*from[ \t]+(requests|httpx|aiohttp|urllib3|urllib\.request|socket|websockets?)[ \t]+import\b[^\n]*/gm;

/**
 * requests, httpx, aiohttp, urllib3, urlopen, http.client, sockets (socket(), .connect((host, port))),
 * websockets, SMTP/FTP/Telnet/SSH clients: the artifact talks to the network. Low when the manifest
 * declares network access.
 */
export const pyNetwork: Rule = {
  id: 'py_network',
  stage: 'static',
  severity: 'high',
  title: 'Python makes network requests',
  check: (ctx) =>
    lowerWhenDeclared(
      ctx,
      'network',
      pythonHits(
        ctx,
        prefilter,
        [networkCalls, networkImports],
        (m) => {
          if (m[1] !== undefined)
            return {
              message: `Imports from ${m[1]}, a network module: the code can send data off the machine.`,
            };
          const what = m[0].replace(/\s*\(\s*\(?$/, '').trim();
          return { message: `${what}() talks to the network: the code can send data off the machine.` };
        },
        'network',
      ),
    ),
};
