/**
 * The style nonce the server put into this page's CSP and into `<meta name="csp-nonce">` (see
 * docs/security.md). Ant Design's CSS-in-JS needs it on every `<style>` tag it writes; without a
 * server (vite dev) there is no meta tag and no CSP.
 */
export const CSP_NONCE: string | undefined =
  document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content || undefined;

/** For antd's ConfigProvider `csp`. */
export const ANTD_CSP = CSP_NONCE ? { nonce: CSP_NONCE } : undefined;
