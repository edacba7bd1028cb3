// The floor of bench/latency.ts's panel-open measurement: an extension page of this
// extension that adds the element it waits for and does nothing else. Built only with
// `--mode e2e` (wxt.config.ts), never shipped.
const composer = document.createElement('textarea');
composer.dataset.testid = 'composer';
document.getElementById('app')?.append(composer);
