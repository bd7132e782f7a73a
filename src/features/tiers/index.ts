export { TierService } from './service.ts';
