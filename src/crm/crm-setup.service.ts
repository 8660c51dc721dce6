import { Inject, Injectable } from '@nestjs/common';
import { CrmProvider, SetupReport } from './crm-provider';
import { CRM_PROVIDER } from './crm-provider.token';

/** `npm run crm:setup`: the custom properties, objects and fields the sync writes into. */
@Injectable()
export class CrmSetupService {
  constructor(@Inject(CRM_PROVIDER) private readonly provider: CrmProvider | null) {}

  async setup(): Promise<SetupReport & { provider: string }> {
    if (!this.provider) throw new Error('CRM_PROVIDER is none: there is no CRM to set up');
    return { provider: this.provider.name, ...(await this.provider.setup()) };
  }
}
