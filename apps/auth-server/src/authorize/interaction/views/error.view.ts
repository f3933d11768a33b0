import { escapeHtml } from '@portcullis/http';
import { layout } from './layout.view';

/** `retryUrl`: where the person may try again (the login page of a still-open sign-in request). */
export function renderError(title: string, detail: string, retryUrl?: string): string {
  const next = retryUrl
    ? `<p><a href="${escapeHtml(retryUrl)}" id="retry">Back to the sign-in page</a></p>`
    : '<p>You can close this window and return to the application.</p>';
  return layout(
    title,
    `<h1>${escapeHtml(title)}</h1>
<div class="error" role="alert">${escapeHtml(detail)}</div>
${next}`,
  );
}
