// The API reference page: rendered on the server from the OpenAPI document (no CDN, no client script).
const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function apiReferenceHtml(doc: Record<string, unknown>): string {
  const paths = doc['paths'] as Record<string, Record<string, { summary?: string; description?: string; parameters?: { name: string; in: string; required?: boolean; description?: string }[] }>>;
  const rows = Object.entries(paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const params = (op.parameters ?? []).map((p) => `<li><code>${esc(p.name)}</code> (${esc(p.in)}${p.required === true ? ', required' : ''}) ${esc(p.description)}</li>`).join('');
      return `<section><h3><span class="m">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3><p>${esc(op.summary)}</p><p class="a">${esc(op.description)}</p>${params === '' ? '' : `<ul>${params}</ul>`}</section>`;
    }),
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Ledgerhouse API reference</title><style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
section{border-top:1px solid #dde;padding:.5rem 0}.m{display:inline-block;min-width:4.5rem;color:#0a5}.a{color:#555}
code{background:#f3f4f6;padding:0 .25rem;border-radius:3px}</style></head><body>
<h1>Ledgerhouse API reference</h1><p>Machine-readable: <a href="/v1/openapi.json">/v1/openapi.json</a> (OpenAPI 3.1).
Errors are RFC 9457 <code>application/problem+json</code> with a stable <code>code</code>.</p>${rows.join('\n')}</body></html>`;
}
