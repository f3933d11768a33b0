import type { ComponentChildren, JSX } from 'preact';
import { navigate } from '../router';

/**
 * A real link to a console screen (it opens in a new tab, it is announced as a link), followed
 * in the page without a reload on a plain click or Enter.
 */
export function RouteLink({ path, current, children }: { path: string; current?: boolean; children: ComponentChildren }) {
  const follow = (e: JSX.TargetedMouseEvent<HTMLAnchorElement>) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate(path);
  };
  return (
    <a href={path} aria-current={current ? 'page' : undefined} onClick={follow}>
      {children}
    </a>
  );
}
