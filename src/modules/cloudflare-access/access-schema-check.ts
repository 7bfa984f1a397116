import { Injectable } from '@nestjs/common';
import { invalidInput } from '@/common/errors/domain-error';
import { validateAgainstSchema } from '@/infra/cedar/cedar-checks';
import type { CedarSchemaValue } from '@/infra/cedar/cedar-types';
import type { Tx } from '@/infra/prisma/prisma.service';
import { SchemaReads } from '@/modules/cedar-schema/schema-reads';
import { probeRuleText } from './access-rules';
import { AccessDecision, compileConditions, CompileSources, RuleLists } from './selector-cedar';

/** Conditions to validate: a policy being written or recompiled (its name says which in the refusal). */
export interface Conditions {
  decision: AccessDecision;
  cedarConditions: string;
  name?: string;
}

const LIST_NAMES = ['include', 'exclude', 'require'] as const;
/** `ip(context.ip)` is how ip and ip_list selectors read the address; everything else is validated strictly. */
export const ACCESS_VALIDATION = { nonLiteralExtensions: true };

/**
 * Access policies against the tenant's Cedar schema (strict mode, as /v1 rules, PRODUCT.md section 5): when there is
 * a schema, compiled conditions that do not validate are `400 invalid_input`, at the pointers of the body's selectors
 * that do not validate on their own (or `/` when only their combination fails), with Cedar's messages as notices.
 */
@Injectable()
export class AccessSchemaCheck {
  constructor(private readonly schemas: SchemaReads) {}

  /** `body`: the rules being written (a policy's or a group's), whose selectors the refusal points at. */
  async check(tx: Tx, tenantId: string, policies: Conditions[], body: { decision: AccessDecision; rules: RuleLists }, sources: CompileSources): Promise<void> {
    if (policies.length === 0) return;
    const stored = await this.schemas.find(tenantId, tx);
    if (!stored) return;
    const { schemaErrors, byRule } = validateAgainstSchema(
      stored.schema,
      policies.map((p, i) => ({ id: `p${i}`, text: probeRuleText(p.decision, p.cedarConditions) })),
      ACCESS_VALIDATION,
    );
    if (schemaErrors.length > 0) throw invalidInput('The tenant\'s Cedar schema could not be used', undefined, schemaErrors);
    if (byRule.size === 0) return;
    const [id, messages] = [...byRule.entries()][0];
    const policy = policies[Number(id.slice(1))];
    const fields = this.locate(stored.schema, body, sources, messages);
    const which = policy.name === undefined ? 'The policy' : `Access policy "${policy.name}"`;
    throw invalidInput(`${which} does not conform to the tenant's Cedar schema`, { fields }, messages);
  }

  /** Each selector of the body compiled and validated alone; those that fail are the pointers of the refusal. */
  private locate(schema: CedarSchemaValue, body: { decision: AccessDecision; rules: RuleLists }, sources: CompileSources, messages: string[]): Record<string, string[]> {
    const probes = LIST_NAMES.flatMap((list) =>
      body.rules[list].map((selector, index) => {
        const alone = compileConditions(body.decision, { include: [selector], exclude: [], require: [] }, sources, []);
        return { id: `/${list}/${index}`, text: probeRuleText(body.decision, alone.conditions) };
      }),
    );
    const { byRule } = validateAgainstSchema(schema, probes, ACCESS_VALIDATION);
    return byRule.size === 0 ? { '/': messages } : Object.fromEntries(byRule.entries());
  }
}
