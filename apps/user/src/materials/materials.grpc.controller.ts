import { materialV1 } from '@app/contracts';
import { Controller } from '@nestjs/common';

import { MaterialsService } from './materials.service';

@Controller()
@materialV1.MaterialServiceControllerMethods()
export class MaterialsGrpcController implements materialV1.MaterialServiceController {
  constructor(private readonly materials: MaterialsService) {}

  async addImage(request: materialV1.AddImageRequest): Promise<materialV1.AddImageResponse> {
    return { image: await this.materials.addImage(request.userId, request.key, request.hash) };
  }

  listImages(request: materialV1.ListImagesRequest): Promise<materialV1.ListImagesResponse> {
    return this.materials.listImages(
      request.userId,
      request.collect,
      request.page,
      request.perPage,
    );
  }

  async setCollected(
    request: materialV1.SetCollectedRequest,
  ): Promise<materialV1.SetCollectedResponse> {
    await this.materials.setCollected(request.userId, request.imageId, request.collect);
    return { imageId: request.imageId, collect: request.collect };
  }

  async deleteImage(
    request: materialV1.DeleteImageRequest,
  ): Promise<materialV1.DeleteImageResponse> {
    await this.materials.deleteImage(request.userId, request.imageId);
    return {};
  }
}
