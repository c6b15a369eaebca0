import { announcementV1 } from '@app/contracts';
import { Controller } from '@nestjs/common';

import { AnnouncementsService } from './announcements.service';

@Controller()
@announcementV1.AnnouncementServiceControllerMethods()
export class AnnouncementsGrpcController implements announcementV1.AnnouncementServiceController {
  constructor(private readonly announcements: AnnouncementsService) {}

  listAnnouncements(
    request: announcementV1.ListAnnouncementsRequest,
  ): Promise<announcementV1.ListAnnouncementsResponse> {
    return this.announcements.list(request.page, request.perPage);
  }

  async getAnnouncement(
    request: announcementV1.GetAnnouncementRequest,
  ): Promise<announcementV1.GetAnnouncementResponse> {
    return { announcement: await this.announcements.get(request.announcementId) };
  }
}
