import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * helmet's headers with a CSP that works over plain HTTP. helmet's default policy carries
 * `upgrade-insecure-requests`, which makes a browser on `http://node-ip:30080/` fetch every
 * script over https and render a blank page (NodePort, `kubectl port-forward` to a pod IP, a VM).
 * The directive is sent only when the request arrived over TLS: `req.secure`, which follows
 * `X-Forwarded-Proto` from the hops `TRUST_PROXY` trusts (the Ingress terminating TLS).
 * Scripts come only from this origin (`script-src 'self'`, no inline scripts or handlers).
 */
export function securityHeaders(): RequestHandler {
  const { 'upgrade-insecure-requests': upgrade, ...defaults } = helmet.contentSecurityPolicy.getDefaultDirectives();
  const directives = { ...defaults, 'script-src': ["'self'"] };
  const plain = helmet({ contentSecurityPolicy: { useDefaults: false, directives } });
  const tls = helmet({ contentSecurityPolicy: { useDefaults: false, directives: { ...directives, 'upgrade-insecure-requests': upgrade ?? [] } } });
  return (req, res, next) => (req.secure ? tls : plain)(req, res, next);
}
