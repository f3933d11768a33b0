import { escapeHtml } from '@portcullis/http';

/**
 * The frame of every page a person sees. No script at all (the CSP forbids it); styles are
 * inline in one <style> block, allowed by the CSP's style-src. Text passed in `body` must
 * already be escaped: every view builds it with `escapeHtml`.
 */
const STYLE = `
:root{color-scheme:light dark;--bg:#f4f5f7;--card:#fff;--text:#1d2330;--muted:#5b6475;--accent:#2454d6;--accent-text:#fff;--danger:#b42318;--border:#d7dbe3}
@media (prefers-color-scheme:dark){:root{--bg:#12151c;--card:#1b2030;--text:#e8ebf2;--muted:#a4adbf;--accent:#7ea2ff;--accent-text:#0c1020;--danger:#ff8a7a;--border:#323a4d}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:var(--bg);color:var(--text);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;padding:1rem}
main{width:100%;max-width:26rem;background:var(--card);border:1px solid var(--border);border-radius:12px;padding:2rem;box-shadow:0 8px 24px rgba(0,0,0,.08)}
.brand{display:flex;align-items:center;gap:.5rem;font-weight:600;color:var(--muted);font-size:.9rem;margin-bottom:1.25rem}
.brand svg{width:1.4rem;height:1.4rem}
h1{font-size:1.35rem;margin:0 0 .5rem}
p{margin:.25rem 0 1rem;color:var(--muted)}
label{display:block;font-weight:600;margin:1rem 0 .35rem}
input[type=text],input[type=password]{width:100%;padding:.65rem .75rem;border:1px solid var(--border);border-radius:8px;background:transparent;color:inherit;font:inherit}
input:focus-visible,button:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
button{font:inherit;font-weight:600;padding:.7rem 1rem;border-radius:8px;border:1px solid var(--accent);cursor:pointer}
.primary{background:var(--accent);color:var(--accent-text);width:100%;margin-top:1.5rem}
.actions{display:flex;gap:.75rem;margin-top:1.5rem}.actions button{flex:1}
.secondary{background:transparent;color:var(--accent)}
.error{border-left:4px solid var(--danger);padding:.5rem .75rem;color:var(--danger);background:transparent;margin:1rem 0}
.new{display:inline-block;margin-left:.4rem;padding:0 .4rem;border-radius:4px;font-size:.75rem;font-weight:600;background:var(--accent);color:var(--accent-text)}
.warning{border-left:4px solid #b7791f;padding:.5rem .75rem;margin:1rem 0;color:var(--text)}
.facts{margin:1rem 0;padding:0;list-style:none;border:1px solid var(--border);border-radius:8px}
.facts li{padding:.6rem .8rem;border-top:1px solid var(--border)}.facts li:first-child{border-top:0}
.facts .label{display:block;font-size:.8rem;color:var(--muted)}
.scope code,code.id{font-size:.8rem;color:var(--muted);word-break:break-all}
.client{word-break:break-all}
main a{color:var(--accent)}
.providers{display:flex;flex-direction:column;gap:.6rem;margin:1.25rem 0}
.provider{display:block;text-align:center;font-weight:600;padding:.7rem 1rem;border-radius:8px;border:1px solid var(--accent);color:var(--accent);text-decoration:none}
.provider:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.or{text-align:center;font-size:.9rem;margin-top:1.5rem}
main.wide{max-width:60rem}
.visually-hidden{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
.bar{display:flex;flex-wrap:wrap;align-items:baseline;justify-content:space-between;gap:.5rem 1rem}
.bar p{margin:0}
h2{font-size:1.1rem;margin:1.5rem 0 .25rem}
.table-wrap{position:relative;overflow-x:auto;margin:1rem 0;border:1px solid var(--border);border-radius:8px}
.table-wrap:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
table{border-collapse:collapse;width:100%;min-width:36rem}
th,td{text-align:left;vertical-align:top;padding:.6rem .8rem;border-top:1px solid var(--border)}
thead th{border-top:0;font-size:.8rem;color:var(--muted);font-weight:600}
tbody th{font-weight:600}
td ul{margin:0;padding-left:1.1rem}
td form{margin:0}
.danger{border-color:var(--danger);color:var(--danger);background:transparent}
.primary.danger{background:var(--danger);color:var(--card)}
.notice{border-left:4px solid var(--accent);padding:.5rem .75rem;margin:1rem 0}
a.button{display:inline-block;text-align:center;font-weight:600;padding:.7rem 1rem;border-radius:8px;border:1px solid var(--accent);color:var(--accent);text-decoration:none}
a.button:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.muted{color:var(--muted)}
.table-wrap .client,h1 .client.name{word-break:normal;overflow-wrap:anywhere}
.facts li ul{margin:.25rem 0 0;padding-left:1.1rem}.facts li ul li{padding:.15rem 0;border-top:0}
.actions a.button{flex:1;display:flex;align-items:center;justify-content:center}
@media (max-width:40rem){
.table-wrap{overflow:visible;border:0}
table{min-width:0}
thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)}
table,tbody,tr,th,td{display:block}
tbody tr{border:1px solid var(--border);border-radius:8px;margin:0 0 .75rem;padding:.3rem 0}
tbody th,td{border-top:0;padding:.35rem .8rem}
td[data-label]::before{content:attr(data-label);display:block;font-size:.8rem;color:var(--muted)}
}
`;

const LOGO = `<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" d="M4 3h16v2H4zm1 4h2v14H5zm4 0h2v14H9zm4 0h2v14h-2zm4 0h2v14h-2z"/></svg>`;

/** `wide`: room for a table (the account page); the sign-in pages stay narrow. */
export function layout(title: string, body: string, options: { wide?: boolean } = {}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)} · Portcullis</title>
<style>${STYLE}</style>
</head>
<body>
<main${options.wide ? ' class="wide"' : ''}>
<div class="brand">${LOGO}<span>Portcullis</span></div>
${body}
</main>
</body>
</html>`;
}
