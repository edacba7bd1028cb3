/**
 * `npm run mock [-- --port 8787] [-- --api-key KEY] [-- --quiet] [-- --demo]`
 *
 * Starts the mock provider for local development without a real key: it answers every
 * chat request with a friendly canned answer, streamed word by word (with --demo: a short
 * summary made of the question's own sentences, as `npm start` uses; see demo-answer.ts).
 */
import { DEMO_SCENARIO } from './demo-answer.ts';
import { startMockProvider } from './server.ts';

function usage(): never {
  console.log('usage: npm run mock -- [--port 8787] [--api-key KEY] [--quiet] [--demo]');
  process.exit(0);
}

const args = process.argv.slice(2);
let port = 8787;
let apiKey: string | undefined;
let quiet = false;
let demo = false;
for (let i = 0; i < args.length; i++) {
  const arg = args[i]!;
  const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
  const value = () => inline ?? args[++i] ?? usage();
  if (name === '--port' || name === '-p') port = Number(value());
  else if (name === '--api-key') apiKey = value();
  else if (name === '--quiet' || name === '-q') quiet = true;
  else if (name === '--demo') demo = true;
  else usage();
}
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`mock provider: invalid port ${port}`);
  process.exit(2);
}

let mock;
try {
  mock = await startMockProvider({ port, log: !quiet, requireApiKey: apiKey, ...(demo && { defaultScenario: DEMO_SCENARIO }) });
} catch (e) {
  const code = (e as NodeJS.ErrnoException).code;
  console.error(
    code === 'EADDRINUSE'
      ? `mock provider: port ${port} is in use; pick another with --port`
      : `mock provider: ${e instanceof Error ? e.message : String(e)}`,
  );
  process.exit(1);
}

console.log(`Aside mock provider listening on ${mock.url} (127.0.0.1 only)

Point the extension at it (panel settings):
  Base URL:  ${mock.url}
  API key:   ${apiKey ? apiKey : 'anything, e.g. sk-mock (not checked; start with --api-key KEY to require one)'}
  Model:     any name

Endpoints:
  POST ${mock.url}/v1/messages           Anthropic Messages (stream true → SSE, false → JSON)
  POST ${mock.url}/v1/chat/completions   OpenAI-compatible chat completions
  GET  ${mock.url}/v1/models             Anthropic shape with an anthropic-version header, else OpenAI

Every answer is canned: ${demo ? 'a summary made of your selection’s own sentences, word by word, 30 ms apart' : 'it quotes the start of your question, word by word, 40 ms apart'}.
Note: a custom base URL such as this one needs its host permission; the panel asks for it.
Ctrl+C stops the server.
`);

const stop = () => {
  void mock.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
