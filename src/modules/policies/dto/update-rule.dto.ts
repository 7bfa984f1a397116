import { PartialType } from '@nestjs/swagger';
import { RuleInputDto } from './rule-input.dto';

/**
 * A partial rule change. Changing a scope type without its entity fields clears them; `policy_text` replaces every
 * structured field. Only absence skips a field's rules: `null` is refused where the create refuses it.
 */
export class UpdateRuleDto extends PartialType(RuleInputDto, { skipNullProperties: false }) {}
