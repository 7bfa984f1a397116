import { PartialType } from '@nestjs/swagger';
import { CreatePolicyDto } from './create-policy.dto';

/**
 * A partial change: absent fields stay as they are; a `rules` array replaces all the policy's rules (new ids).
 * Only absence skips a field's rules: `null` is refused where the create refuses it (name, maximum duration).
 */
export class UpdatePolicyDto extends PartialType(CreatePolicyDto, { skipNullProperties: false }) {}
