/** The 25 channels of the original recommend system, the first ones shown by default. */
export const DEMO_CHANNELS = [
  'html', '开发者资讯', 'ios', 'c++', 'android', 'css', '数据库', '区块链', 'go', '产品',
  '后端', 'linux', '人工智能', 'php', 'javascript', '架构', '前端', 'python', 'java', '算法',
  '面试', '科技动态', 'js', '设计', '数码产品',
].map((name, index) => ({ id: index + 1, name, sequence: index + 1, isDefault: index < 8 }));

export const DEMO_AUTHOR_ID = '1294287382374383616';
export const DEMO_READER_ID = '1294287382374383617';

const TOPICS = ['入门指南', '最佳实践', '性能优化', '源码解读', '常见误区', '实战案例'];

export interface DemoArticle {
  id: string;
  channelId: number;
  title: string;
  content: string;
  createdAt: Date;
}

/** Three approved articles per channel, deterministic ids and times so reloading changes nothing. */
export function demoArticles(): DemoArticle[] {
  const articles: DemoArticle[] = [];
  const start = Date.UTC(2026, 0, 1);
  let n = 0;
  for (const channel of DEMO_CHANNELS) {
    for (let k = 0; k < 3; k += 1) {
      n += 1;
      const topic = TOPICS[(channel.id + k) % TOPICS.length];
      articles.push({
        id: (1300000000000000000n + BigInt(n)).toString(),
        channelId: channel.id,
        title: `${channel.name} ${topic}（第${k + 1}篇）`,
        content: `<p>这是关于 ${channel.name} 的${topic}。</p><p>Toutiao demo article ${n} about ${channel.name}.</p>`,
        createdAt: new Date(start + n * 3_600_000),
      });
    }
  }
  return articles;
}

export interface DemoComment {
  id: string;
  articleId: string;
  parentId: string | null;
  content: string;
}

/** Two comments and one reply on each of the first ten articles. */
export function demoComments(articles: DemoArticle[]): DemoComment[] {
  const comments: DemoComment[] = [];
  let n = 0;
  for (const article of articles.slice(0, 10)) {
    const first = (1310000000000000000n + BigInt((n += 1))).toString();
    comments.push({ id: first, articleId: article.id, parentId: null, content: '写得很好，学习了！' });
    comments.push({ id: (1310000000000000000n + BigInt((n += 1))).toString(), articleId: article.id, parentId: null, content: 'Great article, thanks.' });
    comments.push({ id: (1310000000000000000n + BigInt((n += 1))).toString(), articleId: article.id, parentId: first, content: '同意楼上' });
  }
  return comments;
}
