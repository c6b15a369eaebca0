/**
 * Demo accounts: the verified author `头条号` (whose id the news service's demo articles carry)
 * and readers. The news service's demo data names the same ids (its DEMO_READERS).
 */
export const DEMO_USERS = [
  {
    id: '1294287382374383616',
    mobile: '13911111111',
    name: '头条号',
    isMedia: true,
    intro: '每天分享前端与后端技术',
    certi: '认证作者',
    gender: 0,
    birthday: '1988-06-01',
  },
  {
    id: '1294287382374383617',
    mobile: '13611111111',
    name: '小明',
    isMedia: false,
    intro: '爱看新闻',
    certi: '',
    gender: 0,
    birthday: '1995-05-20',
  },
  {
    id: '1294287382374383618',
    mobile: '13811111111',
    name: '小红',
    isMedia: false,
    intro: '',
    certi: '',
    gender: 1,
    birthday: '1998-03-12',
  },
  {
    id: '1294287382374383619',
    mobile: '13700000001',
    name: '阿杰',
    isMedia: false,
    intro: '后端工程师',
    certi: '',
    gender: 0,
    birthday: '1990-09-09',
  },
  {
    id: '1294287382374383620',
    mobile: '13700000002',
    name: '程序员老王',
    isMedia: false,
    intro: '写了二十年代码',
    certi: '',
    gender: 0,
    birthday: '1972-11-30',
  },
  {
    id: '1294287382374383621',
    mobile: '13700000003',
    name: '前端小白',
    isMedia: false,
    intro: '正在学习 Vue',
    certi: '',
    gender: 1,
    birthday: '2003-07-15',
  },
  {
    id: '1294287382374383622',
    mobile: '13700000004',
    name: '产品经理Amy',
    isMedia: false,
    intro: '',
    certi: '',
    gender: 1,
    birthday: '1993-02-14',
  },
  {
    id: '1294287382374383623',
    mobile: '13700000005',
    name: '算法爱好者',
    isMedia: false,
    intro: '刷题中',
    certi: '',
    gender: 0,
    birthday: '2009-04-01',
  },
  {
    id: '1294287382374383624',
    mobile: '13700000006',
    name: '运维小刘',
    isMedia: false,
    intro: '',
    certi: '',
    gender: 0,
    birthday: '1985-12-24',
  },
] as const;

/** When the demo accounts were created: before their follows and the news demo's articles. */
export const DEMO_USERS_CREATED_AT = new Date(Date.UTC(2026, 9, 1, 0, 0, 0));

const [AUTHOR, XIAOMING, XIAOHONG, AJIE, LAOWANG, XIAOBAI, AMY, ALGO] = DEMO_USERS.map(
  (user) => user.id,
);

/**
 * Who follows whom: six readers follow the author (the news demo's fans), and a few readers
 * follow each other. All of it a month before the news demo's epoch (2026-11-30 12:00 UTC), so
 * before any demo comment: a follower's comments are fans' comments.
 */
export const DEMO_FOLLOWS: ReadonlyArray<{ follower: string; target: string; at: Date }> = [
  [XIAOMING, AUTHOR],
  [XIAOHONG, AUTHOR],
  [AJIE, AUTHOR],
  [LAOWANG, AUTHOR],
  [XIAOBAI, AUTHOR],
  [AMY, AUTHOR],
  [XIAOMING, XIAOHONG],
  [XIAOHONG, XIAOMING],
  [AJIE, XIAOMING],
  [LAOWANG, XIAOMING],
  [ALGO, XIAOMING],
  [XIAOBAI, XIAOHONG],
].map(([follower, target], index) => ({
  follower,
  target,
  at: new Date(Date.UTC(2026, 9, 31, 12, 0, 0) + index * 3_600_000),
}));
