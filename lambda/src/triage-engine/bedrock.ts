import { ConverseCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { DATA_INSTRUCTION, SYSTEM_PROMPT } from './prompt.js';

/**
 * Layer 3: every model call carries the Bedrock guardrail (identifier and pinned version). The
 * alert data is sent as guardContent, so the guardrail's prompt-attack filter evaluates exactly
 * the untrusted part; an intervention (stopReason `guardrail_intervened`) is reported to the
 * caller, which sends the incident to human review.
 */

export interface ModelSettings {
  modelId: string;
  guardrailId: string;
  guardrailVersion: string;
}

export interface ModelReply {
  text: string | undefined;
  guardrailIntervened: boolean;
  stopReason: string | undefined;
}

export async function converse(client: BedrockRuntimeClient, settings: ModelSettings, dataBlock: string): Promise<ModelReply> {
  const out = await client.send(
    new ConverseCommand({
      modelId: settings.modelId,
      system: [{ text: SYSTEM_PROMPT }],
      messages: [{ role: 'user', content: [{ text: DATA_INSTRUCTION }, { guardContent: { text: { text: dataBlock } } }] }],
      inferenceConfig: { maxTokens: 512, temperature: 0 },
      guardrailConfig: { guardrailIdentifier: settings.guardrailId, guardrailVersion: settings.guardrailVersion, trace: 'enabled' },
    }),
  );
  const text = out.output?.message?.content?.map((block) => ('text' in block && typeof block.text === 'string' ? block.text : '')).join('');
  return { text, guardrailIntervened: out.stopReason === 'guardrail_intervened', stopReason: out.stopReason };
}
