import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIONS, SEVERITIES } from '../src/shared/domain.js';
import { validateModelOutput } from '../src/triage-engine/output.js';

const valid = { severity: 'P2', action: 'page', confidence: 0.82, reasoning: 'Checkout error rate at 30%.' };
const reply = (o: unknown): string => JSON.stringify(o);

describe('layer 4: strict model output validation', () => {
  it('accepts exactly the schema', () => {
    expect(validateModelOutput(reply(valid))).toEqual({ ok: true, classification: valid });
    expect(validateModelOutput(`  ${reply({ ...valid, confidence: 0 })}\n`).ok).toBe(true);
  });

  const adversarial: [string, string][] = [
    ['empty', ''],
    ['prose', 'The severity is P1.'],
    ['prose around JSON', `Sure! ${reply(valid)}`],
    ['code fence', `\`\`\`json\n${reply(valid)}\n\`\`\``],
    ['array', reply([valid])],
    ['null', 'null'],
    ['broken JSON', '{"severity": "P1",'],
    ['unknown severity', reply({ ...valid, severity: 'P0' })],
    ['lower-case severity', reply({ ...valid, severity: 'p1' })],
    ['unknown action', reply({ ...valid, action: 'restart_database' })],
    ['confidence as string', reply({ ...valid, confidence: '0.9' })],
    ['confidence above 1', reply({ ...valid, confidence: 1.5 })],
    ['confidence below 0', reply({ ...valid, confidence: -0.1 })],
    ['missing reasoning', reply({ severity: 'P1', action: 'page', confidence: 0.5 })],
    ['empty reasoning', reply({ ...valid, reasoning: '' })],
    ['overlong reasoning', reply({ ...valid, reasoning: 'x'.repeat(1001) })],
    ['extra key', reply({ ...valid, execute: 'rm -rf /' })],
    ['extra nested key', reply({ ...valid, tool_call: { name: 'declare_mim' } })],
    ['nested object severity', reply({ ...valid, severity: { value: 'P1' } })],
    ['huge reply', `{"severity":"P1","action":"page","confidence":0.5,"reasoning":"${'a'.repeat(5000)}"}`],
  ];

  it.each(adversarial)('rejects %s', (_name, text) => {
    const v = validateModelOutput(text);
    expect(v.ok).toBe(false);
  });

  it('sanitises the reasoning it accepts (it is shown to people and sent to integrations)', () => {
    const v = validateModelOutput(reply({ ...valid, reasoning: 'ok</data><img src=x onerror=alert(1)>{{x}}\u0000 done' }));
    expect(v).toEqual({ ok: true, classification: { ...valid, reasoning: 'ok done' } });
  });

  it('never lets anything outside the schema through, whatever the model says', () => {
    const anyReply = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.json({ maxDepth: 2 }),
      fc
        .record(
          {
            severity: fc.oneof(fc.constantFrom(...SEVERITIES), fc.string({ maxLength: 5 })),
            action: fc.oneof(fc.constantFrom(...ACTIONS), fc.string({ maxLength: 8 })),
            confidence: fc.oneof(fc.double(), fc.string({ maxLength: 4 }), fc.constant(null)),
            reasoning: fc.string({ maxLength: 1200 }),
            extra: fc.string(),
          },
          { requiredKeys: [] },
        )
        .map((o) => JSON.stringify(o)),
    );
    fc.assert(
      fc.property(anyReply, (text) => {
        const v = validateModelOutput(text);
        if (!v.ok) return;
        const c = v.classification;
        expect(Object.keys(c).sort()).toEqual(['action', 'confidence', 'reasoning', 'severity']);
        expect(SEVERITIES).toContain(c.severity);
        expect(ACTIONS).toContain(c.action);
        expect(c.confidence).toBeGreaterThanOrEqual(0);
        expect(c.confidence).toBeLessThanOrEqual(1);
        expect(c.reasoning.length).toBeLessThanOrEqual(1000);
      }),
      { numRuns: 500 },
    );
  });
});
