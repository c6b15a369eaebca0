/**
 * The words of the demo articles and comments: per channel a few subjects, which title and
 * paragraph templates put into sentences (`{s}` the subject, `{c}` the channel's name).
 */
export const CHANNEL_SUBJECTS: Readonly<Record<string, readonly string[]>> = {
  html: ['HTML5', '语义化标签', 'Web 表单', 'Canvas'],
  开发者资讯: ['开源社区', '技术大会', '开发者工具', '编程语言排行'],
  ios: ['SwiftUI', 'Swift 并发', 'Xcode', 'iOS 小组件'],
  'c++': ['C++20', '智能指针', '模板元编程', 'CMake'],
  android: ['Jetpack Compose', 'Kotlin 协程', 'Gradle', 'Android 权限'],
  css: ['Flex 布局', 'Grid 布局', 'CSS 变量', '动画过渡'],
  数据库: ['MySQL 索引', 'Redis', '事务隔离', '慢查询'],
  区块链: ['智能合约', '共识算法', '以太坊', '零知识证明'],
  go: ['Goroutine', 'Go 泛型', 'Go 模块', 'Channel'],
  产品: ['需求分析', '用户调研', '产品路线图', '数据驱动'],
  后端: ['微服务', '消息队列', '接口设计', '缓存策略'],
  linux: ['Shell 脚本', 'systemd', '文件系统', '性能排查'],
  人工智能: ['大语言模型', '机器学习', '推荐系统', '计算机视觉'],
  php: ['Laravel', 'PHP 8', 'Composer', 'PHP-FPM'],
  javascript: ['Promise', '闭包', '事件循环', 'ES2024'],
  架构: ['高可用', '分布式事务', '服务治理', '领域驱动设计'],
  前端: ['Vue 3', 'React Hooks', '前端工程化', '首屏性能'],
  python: ['asyncio', 'Django', '类型注解', 'pandas'],
  java: ['Spring Boot', 'JVM 调优', '虚拟线程', 'Java 集合'],
  算法: ['动态规划', '二分查找', '图算法', '排序算法'],
  面试: ['算法面试', '系统设计面试', '简历', '技术面试'],
  科技动态: ['芯片', '云计算', '自动驾驶', '新能源'],
  js: ['TypeScript', 'Node.js', '正则表达式', '模块化'],
  设计: ['设计系统', '交互设计', '配色', '图标设计'],
  数码产品: ['折叠屏手机', '降噪耳机', '轻薄本', '智能手表'],
};

/** Titles (each at most 30 characters once filled). */
export const TITLE_TEMPLATES: readonly string[] = [
  '{s} 入门：从零开始的完整指南',
  '深入理解 {s} 的设计原理',
  '{s} 性能优化的十个实战技巧',
  '我们在生产环境中如何使用 {s}',
  '{s} 常见误区与避坑指南',
  '{s} 新特性：这些变化值得关注',
  '一文读懂 {s} 的核心概念',
  '用 {s} 重构之后，我们学到了什么',
  '{s} 最佳实践清单',
  '从源码看 {s} 的实现细节',
  '{s} 的五个冷知识',
  '为什么越来越多的团队选择 {s}',
];

/** Paragraphs of an article's body. */
export const PARAGRAPH_TEMPLATES: readonly string[] = [
  '最近一段时间，{s} 在{c}领域的讨论越来越多。本文结合我们团队的实践，聊聊它真正解决了什么问题，又带来了哪些新的挑战。',
  '先说结论：{s} 并不是银弹。它在合适的场景下能大幅降低复杂度，但如果盲目引入，反而会让系统更难维护。',
  '在动手之前，建议先把基础概念理清楚。很多关于 {s} 的问题，追根溯源都是因为对底层原理理解得不够透彻。',
  '我们的做法是先在一个边缘业务上试点，观察两周的线上数据，再逐步推广到核心链路。整个过程中，监控和回滚方案一定要提前准备好。',
  '实践中最容易踩的坑有三个：一是忽略了边界条件，二是过早优化，三是缺少文档导致团队成员各自为战。',
  '性能方面，我们对比了改造前后的指标：平均响应时间下降了约三成，资源占用也更加平稳。当然，具体收益还要看业务特点。',
  '如果你刚开始接触 {s}，推荐先读官方文档，再找一个小项目完整地走一遍，比零散地看文章效果好得多。',
  '最后，欢迎在评论区分享你在 {c} 方向上使用 {s} 的经验，我们会在后续文章中整理大家的问题。',
];

/** Top-level comments. */
export const COMMENT_TEXTS: readonly string[] = [
  '写得很好，学习了！',
  '收藏了，周末仔细看看。',
  '讲得很清楚，终于搞明白了。',
  '我们团队也遇到过类似的问题，感谢分享。',
  '第三段说的坑我踩过，深有体会。',
  '能不能出一篇更深入的源码分析？',
  '有示例代码吗？想跟着实践一下。',
  '干货满满，已转发给同事。',
  '这个思路不错，准备在项目里试试。',
  '作者的文章一直很实在，支持！',
  '性能数据那部分很有参考价值。',
  '新手表示有点难，需要多看几遍。',
];

/** Replies to a comment. */
export const REPLY_TEXTS: readonly string[] = [
  '同意楼上',
  '+1，我也有同样的疑问。',
  '可以看看官方文档的示例。',
  '我试过了，确实有效。',
  '谢谢解答！',
  '作者后面好像有更新，可以关注一下。',
];
