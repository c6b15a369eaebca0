import type { ServiceSchema } from '@app/database';

import { MaterialEntity } from '../materials/material.entity';
import { RelationEntity } from '../relations/relation.entity';
import { UserProfileEntity } from '../users/user-profile.entity';
import { UserEntity } from '../users/user.entity';
import { CreateUserTables1764000000000 } from './migrations/1764000000000-create-user-tables';
import { RelationUpdateTimeMillis1764450000000 } from './migrations/1764450000000-relation-update-time-millis';
import { StripUserControlCharacters1764460000000 } from './migrations/1764460000000-strip-user-control-characters';
import { UserNameDistinctEmoji1764480000000 } from './migrations/1764480000000-user-name-distinct-emoji';
import { UserIntroLineSeparators1764490000000 } from './migrations/1764490000000-user-intro-line-separators';
import { AddUserRelationUserRelationIndex1764500000000 } from './migrations/1764500000000-add-user-relation-user-relation-index';

export const USER_SCHEMA: ServiceSchema = {
  service: 'user',
  entities: [UserEntity, UserProfileEntity, RelationEntity, MaterialEntity],
  migrations: [
    CreateUserTables1764000000000,
    RelationUpdateTimeMillis1764450000000,
    StripUserControlCharacters1764460000000,
    UserNameDistinctEmoji1764480000000,
    UserIntroLineSeparators1764490000000,
    AddUserRelationUserRelationIndex1764500000000,
  ],
};
