/** The back office's permission catalog: every MIS route names one of these codes (reference 1.4). */
export const Permission = {
  AdministratorList: 'administrator-list-get',
  AdministratorCreate: 'administrator-list-post',
  AdministratorGet: 'administrator-get',
  AdministratorUpdate: 'administrator-put',
  AdministratorDelete: 'administrator-delete',
  GroupList: 'group-list-get',
  GroupCreate: 'group-list-post',
  GroupGet: 'group-get',
  GroupUpdate: 'group-put',
  GroupDelete: 'group-delete',
  PermissionList: 'permission-list-get',
  PermissionCreate: 'permission-list-post',
  PermissionGet: 'permission-get',
  PermissionUpdate: 'permission-put',
  PermissionDelete: 'permission-delete',
  OperationLogList: 'operationlog-get',
  UserList: 'userlist-get',
  UserCreate: 'userlist-post',
  UserUpdate: 'userlist-put',
  UserGet: 'user-get',
  LegalizeList: 'legalize-list-get',
  LegalizeUpdate: 'legalize-list-put',
  LegalizeGet: 'legalize-get',
  ChannelList: 'channel-list-get',
  ChannelCreate: 'channel-list-post',
  ChannelUpdate: 'channel-list-put',
  ChannelDelete: 'channel-list-delete',
  ArticleList: 'article-list-get',
  ArticleUpdate: 'article-list-put',
  ArticleGet: 'article-get',
} as const;

export type PermissionCode = (typeof Permission)[keyof typeof Permission];

export const ALL_PERMISSIONS: readonly PermissionCode[] = Object.values(Permission);
