export default defineBackground(() => {
  browser.runtime.onConnect.addListener((port) => {
    port.onMessage.addListener((message) => port.postMessage(message));
  });
});
