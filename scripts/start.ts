/**
 * `npm start`: see Aside work in one command, with no key and no set-up (README, "Set up").
 * Options and browser lookup: demo/args.ts; what it does: demo/run.ts.
 * Exit codes: 0 done (or a headed demo stopped with Ctrl+C), 1 the demo failed, 2 bad options or no
 * browser, 130 a headless run stopped with Ctrl+C.
 */
import { findBrowser, hasDisplay, parseStartArgs, START_USAGE } from './demo/args.ts';
import { runDemo } from './demo/run.ts';

const parsed = parseStartArgs(process.argv.slice(2), process.env);
if (parsed.kind === 'help') {
  console.log(START_USAGE);
  process.exit(0);
}
if (parsed.kind === 'error') {
  console.error(`npm start: ${parsed.message}\n\n${START_USAGE}`);
  process.exit(2);
}
const { options } = parsed;
const browser = findBrowser(options.browser, process.env);
if ('error' in browser) {
  console.error(`npm start: ${browser.error}`);
  process.exit(2);
}

// Ctrl+C (or a kill) ends the headed demo; runDemo then closes the browser and the servers.
// A second Ctrl+C does not wait for the clean-up.
let stopping = false;
const stopped = new Promise<void>((resolve) => {
  const stop = () => {
    if (stopping) process.exit(130);
    stopping = true;
    resolve();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
});

try {
  const result = await runDemo(
    options,
    browser.path,
    { log: (line) => console.log(line), write: (text) => void process.stdout.write(text) },
    stopped,
  );
  if (!options.headless) console.log('\nStopped: the browser, the mock provider and the article server are closed.');
  else if (result.screenshot) console.log('Done.');
  process.exit(0);
} catch (error) {
  // Playwright appends its whole call log (every browser flag): the reason comes before it.
  const message = (error instanceof Error ? error.message : String(error)).split('\nCall log:')[0]!.trim();
  const hint = !options.headless && !hasDisplay(process.env) ? '\n(There is no display here: run `npm start -- --headless`.)' : '';
  console.error(`\nnpm start: ${message}${hint}`);
  process.exit(stopping ? 130 : 1);
}
