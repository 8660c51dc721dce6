import { CreateApiKeys1795000000001 } from './1795000000001-create-api-keys';
import { CreateCatalog1795000000002 } from './1795000000002-create-catalog';
import { AddSubscriptionIdempotencyKey1795000000010 } from './1795000000010-add-subscription-idempotency-key';

/** Every migration, in order. Listed explicitly so that compiled and ts-jest runs load the same set. */
export const migrations = [CreateApiKeys1795000000001, CreateCatalog1795000000002, AddSubscriptionIdempotencyKey1795000000010];
