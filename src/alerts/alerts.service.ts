import { Injectable } from '@nestjs/common';
import { AlertRecord, AlertsRepository } from './alerts.repository';
import { AlertsQuery } from './dto/alert-rule.schema';

/** Reading fired alerts. */
@Injectable()
export class AlertsService {
  constructor(private readonly alerts: AlertsRepository) {}

  list(query: AlertsQuery): Promise<AlertRecord[]> {
    return this.alerts.list(query);
  }
}
