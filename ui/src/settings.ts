// What the UI keeps in localStorage: the gateway token (from the URL fragment or Settings) and
// the device token the gateway issued. The fragment is read once and removed from the address bar.
const TOKEN = "openclaw.controlUi.token";
const DEVICE_TOKEN = "openclaw.controlUi.deviceToken";

export function takeFragmentToken(): void {
  const hash = location.hash.replace(/^#/, "");
  if (!hash) return;
  const params = new URLSearchParams(hash);
  const token = params.get("token");
  if (token === null) return;
  if (token) localStorage.setItem(TOKEN, token);
  history.replaceState(history.state, "", location.pathname + location.search);
}

export const settings = {
  get token(): string {
    return localStorage.getItem(TOKEN) ?? "";
  },
  set token(value: string) {
    if (value) localStorage.setItem(TOKEN, value);
    else localStorage.removeItem(TOKEN);
  },
  get deviceToken(): string {
    return localStorage.getItem(DEVICE_TOKEN) ?? "";
  },
  set deviceToken(value: string) {
    if (value) localStorage.setItem(DEVICE_TOKEN, value);
    else localStorage.removeItem(DEVICE_TOKEN);
  },
};
