// Picks the demo's model: an OpenAI-compatible server when one is configured, otherwise the
// offline schema assistant, with the words the console and the page use to say which.

import { type ChatModel, OfflineChatModel, OpenAIChatModel } from 'schema-chat/express';
import type { DemoConfig } from './resolve-demo-config.ts';

/** What the page shows about the model (`GET /demo/config`); never the API key. */
export interface DemoModelInfo {
  /** The model name reported in `complete.metadata.model`. */
  id: string;
  /** True for the offline schema assistant. */
  offline: boolean;
  /** The model server, when there is one. */
  baseUrl?: string;
}

/** The model and its description. */
export interface DemoModel {
  model: ChatModel;
  info: DemoModelInfo;
  /** One line for the console. */
  description: string;
}

/** Builds the model `config` asks for. */
export function createDemoModel(config: DemoConfig['model']): DemoModel {
  if (config.kind === 'offline') {
    const model = new OfflineChatModel();
    return {
      model,
      info: { id: model.id, offline: true },
      description: `${model.id} (offline schema assistant: answers from the schema itself; set VLLM_QWEN_7B_URL or OPENAI_BASE_URL to use a model server)`,
    };
  }
  const model = new OpenAIChatModel({
    baseURL: config.baseUrl,
    ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
    model: config.name,
  });
  return {
    model,
    info: { id: model.id, offline: false, baseUrl: config.baseUrl },
    description: `${model.id} at ${config.baseUrl}`,
  };
}
