import type { Hit, Rule } from '../../rule.js';
import { fallbackHits } from './js-fallback.js';
import { jsIndexes } from './js-index.js';
import { calleeRef, refIs } from './js-refs.js';
import { type At, capHits, hitAt, lowerWhenDeclared, observe } from './support.js';

/** Modules for making network connections or HTTP requests. */
const networkModules = new Set([
  'http',
  'https',
  'http2',
  'net',
  'dgram',
  'tls',
  'ws',
  'axios',
  'node-fetch',
  'undici',
  'got',
  'superagent',
  'request',
  'cross-fetch',
  'isomorphic-fetch',
  'socket.io-client',
  'ky',
  'needle',
]);
const networkGlobals = new Set(['XMLHttpRequest', 'WebSocket', 'EventSource']);
const networkText =
  /\bfetch\s*\(|\bXMLHttpRequest\b|\bnew\s+WebSocket\s*\(|\brequire\s*\(\s*['"`](?:node:)?(?:https?|http2|net|dgram|tls|ws|axios|node-fetch|undici)['"`]|\bfrom\s*['"](?:node:)?(?:https?|http2|net|dgram|tls|ws|axios|node-fetch|undici)['"]/g;

function moduleRoot(name: string): string {
  return name.startsWith('@') ? name : (name.split('/')[0] ?? name);
}

/**
 * fetch(), XMLHttpRequest, WebSocket, EventSource, navigator.sendBeacon and network modules (http, https,
 * net, dgram, tls, ws, axios, node-fetch, undici …): the artifact talks to the network, where data can
 * leave the user's machine or code can arrive. Low when the manifest declares network access.
 */
export const jsNetwork: Rule = {
  id: 'js_network',
  stage: 'static',
  severity: 'high',
  title: 'JavaScript makes network requests',
  check(ctx) {
    const out: Hit[] = [];
    for (const index of jsIndexes(ctx)) {
      const hits: Hit[] = [];
      const add = (at: At, message: string) => {
        hits.push(hitAt(ctx, index.path, at, message));
        observe(ctx, 'network', index.path, at);
      };
      for (const found of index.imports) {
        if (found.module === undefined || !networkModules.has(moduleRoot(found.module))) continue;
        add(found, `Loads ${found.module}, a network module: the code can send data off the machine.`);
      }
      for (const call of index.calls) {
        if (call.isImport) continue;
        const ref = calleeRef(index, call);
        if (!ref || ref.module !== undefined) continue;
        if (!call.isNew && refIs(ref, undefined, 'fetch'))
          add(call, 'fetch() makes an HTTP request: the code can send data off the machine.');
        else if (!call.isNew && refIs(ref, undefined, 'navigator', 'sendBeacon'))
          add(call, 'navigator.sendBeacon() sends data to a server.');
        else if (call.isNew && ref.path.length === 1 && networkGlobals.has(ref.path[0] ?? ''))
          add(
            call,
            `new ${ref.path[0]}() opens a network connection: the code can send data off the machine.`,
          );
      }
      out.push(...capHits(hits));
    }
    out.push(
      ...fallbackHits(ctx, networkText, 'Makes network requests', (path, line, column) =>
        observe(ctx, 'network', path, line, column),
      ),
    );
    return lowerWhenDeclared(ctx, 'network', out);
  },
};
