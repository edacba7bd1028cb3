import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';

// `--mode e2e` builds to .output/<target>-e2e with the loopback host permission the
// browser tests need to reach the mock provider; it never reaches a shipped manifest.
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill', '@wxt-dev/i18n/module'],
  vite: () => ({ plugins: [preact()] }),
  manifest: ({ browser, mode }) => {
    const e2e = mode === 'e2e';
    return {
      // Words come from locales/<lang>.yml (the @wxt-dev/i18n module writes _locales/).
      default_locale: 'en',
      name: '__MSG_extension_name__',
      description: '__MSG_extension_description__',
      // declarativeNetRequestWithHostAccess: the rule that removes our Origin header for a
      // local server (src/background/local-origin-rule.ts). It acts only where Aside has host
      // access, so, unlike declarativeNetRequest, it adds no install warning.
      permissions: ['storage', 'scripting', 'activeTab', 'contextMenus', 'declarativeNetRequestWithHostAccess'],
      host_permissions: ['https://api.anthropic.com/*', ...(e2e ? ['http://127.0.0.1/*'] : [])],
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
      // Stated in full so that: remote images can never load (a markdown image is a known
      // way to leak data from a prompt-injected answer), and Firefox does not add its
      // default upgrade-insecure-requests, which would turn a LAN http:// server into https.
      content_security_policy: {
        extension_pages: "script-src 'self'; object-src 'self'; img-src 'self' data: blob:",
      },
      // No other extension and no web page may connect to us.
      externally_connectable: browser === 'firefox' ? undefined : { ids: [], matches: [] },
      ...(e2e &&
        browser === 'firefox' && {
          web_accessible_resources: [{ resources: ['sidepanel.html'], matches: ['http://127.0.0.1/*'] }],
        }),
      ...(browser === 'firefox' && {
        browser_specific_settings: {
          gecko: {
            id: 'aside@example.com',
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
