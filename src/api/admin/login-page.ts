function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The one-time sign-in form for the queue dashboard (no script: it works under a strict CSP). */
export function loginPage(action: string, failed: boolean): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Queue dashboard sign-in</title>
<meta name="robots" content="noindex"></head>
<body style="font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto">
<h1>GlobeCo OGS queue dashboard</h1>
<p>Enter an API key. An admin key (ADMIN_API_KEYS) allows retrying and cleaning jobs; an API key (API_KEYS) gives a read-only view.</p>
${failed ? '<p role="alert" style="color:#b00020">That key is not accepted.</p>' : ''}
<form method="post" action="${escapeHtml(action)}">
<label>API key <input type="password" name="key" autocomplete="off" required autofocus></label>
<button type="submit">Sign in</button>
</form></body></html>`;
}
