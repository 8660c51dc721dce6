import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { toForecastResponse } from './forecast.response';
import { ForecastsService } from './forecasts.service';

@ApiTags('forecasts')
@ApiBearerAuth()
@Controller()
export class ForecastsController {
  constructor(private readonly forecasts: ForecastsService) {}

  @Get('v1/subscriptions/:id/forecast')
  async forecast(@Param('id') id: string) {
    return toForecastResponse(await this.forecasts.forecastSubscription(id));
  }
}
