/** Demo accounts; the author's id matches the news service's demo articles. */
export const DEMO_USERS = [
  { id: '1294287382374383616', mobile: '13911111111', name: '头条号', isMedia: true, intro: '每天分享前端与后端技术', certi: '认证作者' },
  { id: '1294287382374383617', mobile: '13611111111', name: '小明', isMedia: false, intro: '爱看新闻', certi: '' },
  { id: '1294287382374383618', mobile: '13811111111', name: '小红', isMedia: false, intro: '', certi: '' },
] as const;
