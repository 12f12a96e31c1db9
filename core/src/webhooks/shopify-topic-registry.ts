import type { JobContext } from "../jobs/registry.ts";
import type { Deps } from "../platform/deps.ts";
import type { Logger } from "../platform/logger.ts";

/** What a topic handler receives. */
export interface ShopifyWebhookEvent {
  eventId: string;
  webhookId: string;
  topic: string;
  shop: string;
  apiVersion: string | null;
  triggeredAt: string | null;
  payload: unknown;
}

export type ShopifyTopicHandler = (deps: Deps, event: ShopifyWebhookEvent, ctx: { log: Logger; job: JobContext }) => Promise<void>;

/** Topic -> handler. Modules export their handlers; `shopify-topics.ts` lists them. */
export class ShopifyTopics {
  readonly #handlers = new Map<string, ShopifyTopicHandler>();

  constructor(entries: Record<string, ShopifyTopicHandler> = {}) {
    for (const [topic, h] of Object.entries(entries)) this.register(topic, h);
  }

  register(topic: string, handler: ShopifyTopicHandler): this {
    if (this.#handlers.has(topic)) throw new Error(`Shopify topic ${topic} has two handlers`);
    this.#handlers.set(topic, handler);
    return this;
  }

  get(topic: string): ShopifyTopicHandler | undefined {
    return this.#handlers.get(topic);
  }

  topics(): string[] {
    return [...this.#handlers.keys()];
  }
}

