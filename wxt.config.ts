import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { FIREFOX_ADDON_ID } from './src/shared/ids.ts';

// `--mode e2e` builds to .output/<target>-e2e with the loopback host permission the
// browser tests need to reach the mock provider; it never reaches a shipped manifest.
// `--mode demo` (`npm start`, scripts/start.ts) builds to .output/<target>-demo with the
// same loopback permission, and its background presets the bundled mock provider.
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill', '@wxt-dev/i18n/module'],
  vite: () => ({ plugins: [preact()] }),
  hooks: {
    // entrypoints/bench-floor is the open benchmark's empty extension page: e2e builds only.
    'entrypoints:found': (wxt, infos) => {
      if (wxt.config.mode === 'e2e') return;
      const floor = infos.findIndex((info) => info.name === 'bench-floor');
      if (floor >= 0) infos.splice(floor, 1);
    },
  },
  manifest: ({ browser, mode }) => {
    const e2e = mode === 'e2e';
    // The demo reaches the mock and opens the panel the way the e2e harness does.
    const loopback = e2e || mode === 'demo';
    return {
      // Words come from locales/<lang>.yml (the @wxt-dev/i18n module writes _locales/).
      default_locale: 'en',
      name: '__MSG_extension_name__',
      description: '__MSG_extension_description__',
      // declarativeNetRequestWithHostAccess: the rule that removes our Origin header for a
      // local server (src/background/local-origin-rule.ts). It acts only where Aside has host
      // access, so, unlike declarativeNetRequest, it adds no install warning.
      permissions: ['storage', 'scripting', 'activeTab', 'contextMenus', 'declarativeNetRequestWithHostAccess'],
      host_permissions: ['https://api.anthropic.com/*', ...(loopback ? ['http://127.0.0.1/*'] : [])],
      // "Use page selection" from inside the panel asks for these from the click,
      // because clicks inside the panel do not grant activeTab. Custom base URLs
      // (a local mock, a proxy) are requested the same way.
      optional_host_permissions: ['http://*/*', 'https://*/*'],
      action: { default_title: '__MSG_action_title__' },
      commands: {
        'ask-about-selection': {
          suggested_key: { default: 'Alt+Shift+A' },
          description: '__MSG_command_ask__',
        },
      },
      // Stated in full, from default-src 'none', so that pages get only what they use: scripts
      // and styles from the package; images from the package or made in the page (remote
      // images can never load: a markdown image is a known way to leak data from a
      // prompt-injected answer); no frames, objects, forms or <base>. connect-src is the
      // background's: one policy covers every extension page, the worker included, so it
      // cannot be closed for the panel alone (the panel itself only reads its own locale files,
      // and blob: URLs it made itself: Firefox applies connect-src to those).
      // And Firefox does not add its default upgrade-insecure-requests, which would turn a
      // LAN http:// server into https.
      content_security_policy: {
        extension_pages: [
          "default-src 'none'",
          "script-src 'self'",
          "style-src 'self'",
          "img-src 'self' data: blob:",
          "connect-src 'self' blob: https: http:",
          "object-src 'none'",
          "frame-src 'none'",
          "base-uri 'none'",
          "form-action 'none'",
        ].join('; '),
      },
      // No other extension and no web page may connect to us.
      externally_connectable: browser === 'firefox' ? undefined : { ids: [], matches: [] },
      ...(loopback &&
        browser === 'firefox' && {
          web_accessible_resources: [{ resources: ['sidepanel.html'], matches: ['http://127.0.0.1/*'] }],
        }),
      ...(browser === 'firefox' && {
        browser_specific_settings: {
          gecko: {
            id: FIREFOX_ADDON_ID,
            strict_min_version: '140.0',
            data_collection_permissions: { required: ['websiteContent'] },
          },
          gecko_android: { strict_min_version: '142.0' },
        },
      }),
    };
  },
  zip: { excludeSources: ['test/e2e/**/*.png', 'test/e2e/artifacts/**'] },
  webExt: { disabled: true },
});
