import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { IfPresent } from '@/common/http/validation';
import { ACTION_SCOPE_TYPES, EFFECTS, ENTITY_SCOPE_TYPES } from '@/infra/cedar/rule-scope';
import type { ActionScopeType, Effect, EntityScopeType } from '@/infra/cedar/rule-scope';

/** Required unless the rule is given as `policy_text`. */
const UnlessPolicyText = () => ValidateIf((object: { policy_text?: unknown }) => object.policy_text === undefined);

/** A rule as clients write it: structured fields, or one Cedar statement in `policy_text`. */
export class RuleInputDto {
  /** Evaluation order within the policy, unique in it; the next free number when omitted. */
  @IfPresent()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  ordinal?: number;

  /** One Cedar statement; when sent it wins over the structured fields, which are filled from it. */
  @IfPresent()
  @IsString()
  @MaxLength(20_000)
  policy_text?: string;

  @UnlessPolicyText()
  @IsIn(EFFECTS)
  effect?: Effect;

  @UnlessPolicyText()
  @IsIn(ENTITY_SCOPE_TYPES)
  principal_scope_type?: EntityScopeType;

  /** Entity type for eq, in, is and is_in (`User`, `Group`). */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  principal_entity_type?: string | null;

  /** Entity id for eq and in; for is_in the full uid of the group (`Group::"admins"`). */
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  principal_entity_id?: string | null;

  @UnlessPolicyText()
  @IsIn(ACTION_SCOPE_TYPES)
  action_scope_type?: ActionScopeType;

  /** Action ids (`ssh` means `Action::"ssh"`) or full uids for namespaced actions; one for eq. */
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(1000, { each: true })
  action_ids?: string[];

  @UnlessPolicyText()
  @IsIn(ENTITY_SCOPE_TYPES)
  resource_scope_type?: EntityScopeType;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  resource_entity_type?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  resource_entity_id?: string | null;

  /** Raw Cedar `when { ... }` / `unless { ... }` clauses; a bare expression is wrapped in `when { ... }`. */
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  conditions?: string | null;

  /** User-facing message, returned as a notice when this rule decides. */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notice?: string | null;

  /** Whether grants this rule allows should have session auditing (default true). */
  @IfPresent()
  @IsBoolean()
  audit_session?: boolean;
}
