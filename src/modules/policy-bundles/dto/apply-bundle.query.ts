import { IsIn, IsOptional } from 'class-validator';
import { ON_IMPACT } from '../policy-bundles.service';
import type { OnImpact } from '../policy-bundles.service';

export class ApplyBundleQuery {
  /** What happens to active grants and pending requests the new policy set denies (default keep). */
  @IsOptional()
  @IsIn(ON_IMPACT)
  on_impact?: OnImpact;
}
