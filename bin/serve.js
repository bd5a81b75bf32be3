#!/usr/bin/env node
// `npm start`: the production build (adapter-node's build/index.js), with one difference when no
// ORIGIN, PROTOCOL_HEADER or HOST_HEADER is set. adapter-node then assumes every request came over
// https, so a form posted from http://localhost:3000 carries an Origin that differs from the URL the
// app sees, and SvelteKit refuses it as cross-site (403). Here each request's scheme is read from its
// own socket instead (adapter-node serves plain http, so http), and the host from its Host header as
// adapter-node does: sign-in works at http://localhost:PORT and http://127.0.0.1:PORT alike.
// With any of those variables set, adapter-node's documented behaviour applies unchanged (behind a
// proxy: ORIGIN=https://beatwise.example.org, or PROTOCOL_HEADER=x-forwarded-proto and HOST_HEADER).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// Idle keep-alive connections stay open 65 s unless said otherwise (README, Configuration).
process.env.KEEP_ALIVE_TIMEOUT ||= '65';

const configured = ['ORIGIN', 'PROTOCOL_HEADER', 'HOST_HEADER'].some((name) => process.env[name]);
/** Request header the scheme is passed in; set on every request here, so a client cannot choose it. */
const SCHEME_HEADER = 'x-beatwise-socket-scheme';
if (!configured) process.env.PROTOCOL_HEADER = SCHEME_HEADER;

const buildDir = resolve(process.argv[2] ?? 'build');
const { server } = await import(pathToFileURL(resolve(buildDir, 'index.js')).href);

if (!configured) {
	// build/index.js has called listen() while it was evaluated; no connection is accepted before this
	// line runs (that needs a turn of the event loop), so every request passes through this listener,
	// which runs before SvelteKit's.
	server.server.prependListener('request', (req) => {
		req.headers[SCHEME_HEADER] = req.socket.encrypted ? 'https' : 'http';
	});
	console.log(
		'[beatwise] ORIGIN is not set: each request is answered for the address it was sent to (http). Set ORIGIN behind a proxy or on a public host.'
	);
}
