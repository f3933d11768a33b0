import { escapeHtml } from '@portcullis/http';
import { layout } from './layout.view';

export function renderError(title: string, detail: string): string {
  return layout(
    title,
    `<h1>${escapeHtml(title)}</h1>
<div class="error" role="alert">${escapeHtml(detail)}</div>
<p>You can close this window and return to the application.</p>`,
  );
}
