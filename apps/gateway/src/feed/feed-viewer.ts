/** Whose feed: a signed-in user or an anonymous device (kept apart although both are strings). */
export interface FeedViewer {
  kind: 'user' | 'device';
  id: string;
}
