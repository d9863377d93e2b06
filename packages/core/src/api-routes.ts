/**
 * The API paths of the public URL contract, all served by the `subscriptions` function: shared by the CDK
 * app (which routes exactly these) and by whatever checks a link to them (the simulation's link checker).
 */
export interface ApiRoute {
  method: 'GET' | 'POST';
  path: string;
  /** Query parameters a link to this route must carry (a GET link from an email or a page). */
  query: readonly string[];
}

export const API_ROUTES: readonly ApiRoute[] = [
  // Opened in a browser, it redirects to the form.
  { method: 'GET', path: '/api/subscribe', query: [] },
  { method: 'POST', path: '/api/subscribe', query: [] },
  // The emailed link opens a page with a Confirm button (link scanners open every link); the button posts
  // the token in the form body, so the confirming URL carries none.
  { method: 'GET', path: '/api/confirm', query: ['token'] },
  { method: 'POST', path: '/api/confirm', query: [] },
  { method: 'GET', path: '/api/unsubscribe', query: ['token'] },
  // RFC 8058 one-click: the same URL as the GET link, POSTed.
  { method: 'POST', path: '/api/unsubscribe', query: [] },
  { method: 'GET', path: '/api/preferences', query: ['token'] },
  // Also carries the private feed's "new address" button (form field action=new-feed-url).
  { method: 'POST', path: '/api/preferences', query: [] },
  // A subscriber's private feed (format rss, atom or json; rss when absent).
  { method: 'GET', path: '/api/feed', query: ['token'] },
];
