import { describe, expect, it } from 'vitest';
import { REDACTED, looksSecret, redactMaturitySection, redactResult } from '../../src/model/redact.js';
import { failingResult } from './fixtures.js';

describe('redactResult', () => {
  it('replaces every occurrence in the free-text fields, longest secret first, without touching the input', () => {
    const r = failingResult();
    r.invariants[0]!.findings[0]!.message = 'token hunter2hunter2 and again hunter2hunter2';
    r.invariants[0]!.examined[0]!.observed = 'PASSWORD=hunter2hunter2-long';
    r.maturity.actual = { min_confidence_auto: 'hunter2hunter2-long', per_function: { 'aws_lambda_function.f': ['x-hunter2hunter2'] } };
    r.limitations = ['abc']; // too short to be a secret: untouched
    const out = redactResult(r, ['hunter2hunter2', 'hunter2hunter2-long', 'abc']);
    expect(out.invariants[0]!.findings[0]!.message).toBe(`token ${REDACTED} and again ${REDACTED}`);
    expect(out.invariants[0]!.examined[0]!.observed).toBe(`PASSWORD=${REDACTED}`);
    // keys are setting names and addresses (never redacted); the values come from the input
    expect(out.maturity.actual).toEqual({ min_confidence_auto: REDACTED, per_function: { 'aws_lambda_function.f': [`x-${REDACTED}`] } });
    expect(out.limitations).toEqual(['abc']);
    expect(JSON.stringify(out)).not.toContain('hunter2');
    expect(r.invariants[0]!.findings[0]!.message).toContain('hunter2hunter2');
  });

  it('treats regular-expression characters in secrets literally', () => {
    const r = failingResult();
    r.command_line = 'ztait check --var pw=a.b*c+(d)';
    expect(redactResult(r, ['a.b*c+(d)']).command_line).toBe(`ztait check --var pw=${REDACTED}`);
    expect(redactResult(r, []).command_line).toBe(r.command_line);
  });
});

describe('looksSecret', () => {
  it.each([
    ['GITHUB_TOKEN', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['DB_PASSWORD', 'correct horse battery staple'],
    ['clientSecret', 'not-so-random-value'],
    ['OPENAI_API_KEY', 'whatever-it-is'],
    ['PRIVATE_KEY', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'],
    ['ANY', 'AKIAIOSFODNN7EXAMPLE'],
    ['ANY', 'xoxb-123456789012-abcdefghijkl'],
    ['ANY', '-----BEGIN RSA PRIVATE KEY-----\nMIIE...'],
    ['CONFIG', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['HOOK', 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX'],
    // the shortest token any pattern matches (15 characters): shorter values are judged by name only
    ['note', 'xoxb-1234567890'],
    ['DB_PASSWORD', 'hunter2'],
  ])('%s=%s is secret', (name, value) => {
    expect(looksSecret(name, value)).toBe(true);
  });

  it.each([
    ['GITHUB_WEBHOOK_SECRET_ARN', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ztait-github-AbCdEf'],
    ['WEBHOOK_SECRET', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ztait-github-AbCdEf'],
    ['SLACK_TOKEN_SECRET_NAME', 'ztait-slack-token'],
    ['TOKEN_TTL_SECONDS', '300'],
    ['SIGNATURE_HEADER', 'X-Hub-Signature-256'],
    ['SYSTEM_PROMPT', 'You are a triage assistant. Classify the incident by severity.'],
    ['TABLE_NAME', 'ztait-audit-log'],
    ['PROMPT_PARAM', '/ztait/prompts/triage'],
    ['API_KEY', '${var.api_key}'],
    ['DEBUG', 'true'],
    // seen on the reference architecture: names and identifiers, not keys
    ['SECRET_NAME_PREFIX', 'ztait-'],
    ['bucket', 'ztait-cloudtrail-111122223333-us-east-1'],
    ['service_name', 'com.amazonaws.us-east-1.bedrock-runtime'],
    ['note', 'xoxb-123456789'],
  ])('%s=%s is not secret', (name, value) => {
    expect(looksSecret(name, value)).toBe(false);
  });
});

describe('redactMaturitySection (maturity status)', () => {
  it('redacts values as the same section is redacted inside a check result, never the level or the settings', () => {
    const secret = 'sk-live-abcdefghijklmnopqrstuvwxyz';
    const section = {
      level: 1,
      consistent: false,
      expected: { approval_required: true },
      actual: { approval_required: secret },
      deviations: [{ setting: 'approval_required', expected: true, actual: `token ${secret}`, resource: 'aws_lambda_function.triage' }],
    };
    const out = redactMaturitySection(section, [secret], ['aws_lambda_function.triage']);
    expect(JSON.stringify(out)).not.toContain(secret);
    expect(out.actual).toEqual({ approval_required: REDACTED });
    expect(out.deviations[0]).toMatchObject({
      setting: 'approval_required',
      expected: true,
      actual: `token ${REDACTED}`,
      resource: 'aws_lambda_function.triage',
    });
    expect(out.level).toBe(1);
    expect(redactMaturitySection(section, [])).toBe(section);
  });
});
