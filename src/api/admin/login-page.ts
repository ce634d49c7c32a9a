function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** What the sign-in form shows. */
export interface LoginPageOptions {
  action: string;
  failed: boolean;
  title: string;
  hint: string;
}

/** The one-time sign-in form of a browser area (no script: it works under a strict CSP). */
export function loginPage({ action, failed, title, hint }: LoginPageOptions): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} sign-in</title>
<meta name="robots" content="noindex"></head>
<body style="font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto">
<h1>GlobeCo OGS ${escapeHtml(title)}</h1>
<p>${escapeHtml(hint)}</p>
${failed ? '<p role="alert" style="color:#b00020">That key is not accepted.</p>' : ''}
<form method="post" action="${escapeHtml(action)}">
<label>API key <input type="password" name="key" autocomplete="off" required autofocus></label>
<button type="submit">Sign in</button>
</form></body></html>`;
}
