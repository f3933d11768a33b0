import type { ComponentChildren, JSX } from 'preact';
import { navigate } from '../router';

/**
 * A real link to a console screen (it opens in a new tab, it is announced as a link), followed
 * in the page without a reload on a plain click or Enter. `current`: `page` for the screen shown,
 * `true` for the section a sub-page (a client's details) belongs to (WAI-ARIA 1.2, aria-current).
 */
export function RouteLink({ path, current, children }: { path: string; current?: 'page' | 'true'; children: ComponentChildren }) {
  const follow = (e: JSX.TargetedMouseEvent<HTMLAnchorElement>) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate(path);
  };
  return (
    <a href={path} aria-current={current} onClick={follow}>
      {children}
    </a>
  );
}
