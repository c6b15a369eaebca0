export interface DemoAnnouncement {
  id: number;
  title: string;
  content: string;
  publishedAt: Date;
}

/** Published platform announcements (fixed ids and times, so reloading changes nothing). */
export const DEMO_ANNOUNCEMENTS: readonly DemoAnnouncement[] = [
  {
    id: 1,
    title: '欢迎使用头条',
    content: '<p>欢迎来到头条！在这里阅读、评论和收藏你感兴趣的技术文章。</p>',
    publishedAt: new Date(Date.UTC(2026, 0, 1, 1, 0, 0)),
  },
  {
    id: 2,
    title: '搜索功能上线',
    content: '<p>现在可以按标题和正文搜索文章，并查看最近的搜索记录。</p>',
    publishedAt: new Date(Date.UTC(2026, 0, 5, 2, 30, 0)),
  },
  {
    id: 3,
    title: '社区公约更新',
    content: '<p>请文明发言，尊重他人。违规内容将被删除。</p>',
    publishedAt: new Date(Date.UTC(2026, 0, 10, 8, 0, 0)),
  },
];
