import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ACTION_SCOPE_TYPES, EFFECTS, ENTITY_SCOPE_TYPES } from '@/infra/cedar/rule-scope';
import type { ActionScopeType, Effect, EntityScopeType } from '@/infra/cedar/rule-scope';
import { IfPresent } from './rule-input.dto';

/**
 * A partial rule change. Changing a scope type without its entity fields clears them; `policy_text` replaces every
 * structured field.
 */
export class UpdateRuleDto {
  /** New position, unique within the policy. */
  @IfPresent()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  ordinal?: number;

  /** One Cedar statement replacing the structured fields. */
  @IfPresent()
  @IsString()
  @MaxLength(20_000)
  policy_text?: string;

  @IfPresent()
  @IsIn(EFFECTS)
  effect?: Effect;

  @IfPresent()
  @IsIn(ENTITY_SCOPE_TYPES)
  principal_scope_type?: EntityScopeType;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  principal_entity_type?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  principal_entity_id?: string | null;

  @IfPresent()
  @IsIn(ACTION_SCOPE_TYPES)
  action_scope_type?: ActionScopeType;

  @IfPresent()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(1000, { each: true })
  action_ids?: string[];

  @IfPresent()
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

  /** Cedar `when`/`unless` clauses or a bare expression; null removes them. */
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  conditions?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notice?: string | null;

  @IfPresent()
  @IsBoolean()
  audit_session?: boolean;
}
